# CohortWatch look, redone in R (written by `cohortwatch plan export-r --as-of DATE --out DIR`).
#
#   Rscript refit-monitoring.R [DIR]      # DIR: the export folder (default: this script's folder)
#
# Needs R with survival and rpact only (Debian: r-base-core r-cran-survival r-cran-rpact). Reads
#   analysis-dataset.csv  the analysis dataset as of the look (one row per patient, no patient id)
#   estimands.csv         the primary estimands: population filter, endpoint, covariates, alpha, design
#   looks.csv             each estimand's recorded information history, look by look
# and prints, as JSON on stdout, for each primary estimand: the monitoring Cox refitted with survival's
# coxph (Efron ties, PORT + the population's covariates, complete cases) and the sequential test
# recomputed look by look with rpact. Against CohortWatch's stored values (cohortwatch.json, and the
# recorded* columns of looks.csv) the numbers agree to 1e-6; the largest difference of the history is
# printed on stderr.
#
# The sequential test, as CohortWatch runs it (docs/analysis.md):
# - spending time t_k = max(events_k / maxEvents_k, calendar fraction of the horizon, t_{k-1});
# - cumulative two-sided alpha spent by Lan-DeMets O'Brien-Fleming, alpha(t) = 4 (1 - Phi(z_{1-alpha/4} / sqrt(t)))
#   (rpact's "asOF"), all of the family's alpha at the look where t reaches 1 (the final analysis; a
#   later look is descriptive; an over-running look spends what is left, with correlations from the
#   actual events, as gsDesign's maxn.IPlan and rpact's user spending do);
# - a look spends nothing (no boundary) when it is gated (too few events, and not final), has no
#   estimate, has no new events since the last spending look, follows a crossed or complete look, or
#   when its increment of alpha is below 1e-12 (O'Brien-Fleming before t ~ 0.1: |z| > 7): it is left
#   out of later looks' recursion;
# - each spending look's boundary c_k solves P(|Z_k| >= c_k, |Z_j| < c_j for earlier spending looks j)
#   = its increment, with corr(Z_j, Z_k) = sqrt(events_j / events_k) (Armitage, McPherson & Rowe 1969;
#   Jennison & Turnbull 2000, ch. 19).
#
# Where rpact comes in, and why the boundary is integrated here: rpact's getDesignGroupSequential()
# accepts at most 20 looks (a quarterly registry has 70+) and gives a look whose spending is below its own
# threshold an infinite boundary; the recursion behind it (getGroupSequentialProbabilities) has neither
# limit but integrates on a fixed grid, which is off by up to ~2e-4 in z when a look adds a few events to
# a few hundred (a narrow transition kernel). The script therefore integrates the recursion itself with
# Simpson's rule on a uniform grid fine enough for the narrowest step of the history (`boundaryZ`), and
# prints the exported look's boundary by rpact's recursion beside it (`boundaryZRpact`, and on stderr). rpact also gives
# the group-sequential inflation factor of the Schoenfeld rule (getDesignCharacteristics).
suppressPackageStartupMessages({
  library(survival)
  library(rpact)
})

args <- commandArgs(trailingOnly = TRUE)
script <- sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE))
dir <- if (length(args) >= 1) args[1] else if (length(script) == 1) dirname(script) else "."
read <- function(name) read.csv(file.path(dir, name), stringsAsFactors = FALSE, na.strings = "NA")
data <- read("analysis-dataset.csv")
estimands <- read("estimands.csv")
looks <- read("looks.csv")
looks <- looks[order(looks$look), ]

MIN_SPEND <- 1e-12
gsProbabilities <- get(".getGroupSequentialProbabilities", envir = asNamespace("rpact"))

obf <- function(t, alpha) 4 * (1 - pnorm(qnorm(1 - alpha / 4) / sqrt(t)))

# rpact's recursion: two-sided first-crossing probability at the last look under H0. Boundaries are
# symmetric, so it is twice the lower tail, which keeps its digits when it is tiny (1 - upper would not).
rpactCrossing <- function(previous, rates, c) {
  critical <- c(previous, c)
  p <- gsProbabilities(rbind(-critical, critical), rates)
  2 * p[1, length(rates)]
}

# The recursion integrated here: the sub-density of Z_j on (-c_j, c_j) after look j was passed, on a
# uniform Simpson grid of spacing <= h, advanced look by look (Jennison & Turnbull 2000, eq. 19.4).
simpson <- function(c, h) {
  n <- 2 * ceiling(c / h)
  z <- seq(-c, c, length.out = n + 1)
  w <- rep(c(2, 4), length.out = n + 1) * (2 * c / n) / 3
  w[1] <- w[n + 1] <- (2 * c / n) / 3
  list(z = z, w = w)
}
# The density after one more passed look (boundary c, information I), from the previous one (NULL at
# the first). Information enters through ratios only, so the absolute events serve as I.
advance <- function(previous, c, information, h) {
  g <- simpson(c, h)
  g$information <- information
  if (is.null(previous)) {
    g$f <- dnorm(g$z)
  } else {
    sd <- sqrt(information - previous$information)
    kernel <- dnorm(outer(g$z * sqrt(information), previous$z * sqrt(previous$information), "-") / sd) * sqrt(information) / sd
    g$f <- as.vector(kernel %*% (previous$w * previous$f))
  }
  g
}
ownCrossing <- function(last, information, c) {
  if (is.null(last)) return(2 * pnorm(-c))
  sd <- sqrt(information - last$information)
  2 * sum(last$w * last$f * pnorm((last$z * sqrt(last$information) - c * sqrt(information)) / sd))
}

solve <- function(f, increment) {
  unconditional <- qnorm(increment / 2, lower.tail = FALSE)
  # Earlier looks only remove probability, so the root lies below the unconditional boundary.
  uniroot(function(c) f(c) - increment, c(1e-6, unconditional), tol = 1e-13)$root
}

calendarFraction <- function(from, to, cutoff) {
  if (is.na(from) || is.na(to)) return(NA_real_)
  max(0, as.numeric(as.Date(cutoff) - as.Date(from)) / as.numeric(as.Date(to) - as.Date(from)))
}

# Schoenfeld (1983) events for a two-sided level-alpha test with the stated power at allocation p, inflated
# for an equally spaced Lan-DeMets O'Brien-Fleming design (rpact's inflation factor).
schoenfeldMax <- function(e, allocation) {
  if (is.na(allocation) || allocation <= 0 || allocation >= 1) return(NA_real_)
  fixed <- (qnorm(1 - e$alpha / 2) + qnorm(e$power))^2 / (allocation * (1 - allocation) * log(e$targetHr)^2)
  inflation <- if (e$plannedLooks == 1) 1 else getDesignCharacteristics(getDesignGroupSequential(
    kMax = e$plannedLooks, alpha = e$alpha, beta = 1 - e$power, sided = 2, typeOfDesign = "asOF"))$inflationFactor
  ceiling(fixed * inflation)
}

inPopulation <- function(where) {
  keep <- rep(TRUE, nrow(data))
  if (is.na(where) || where == "") return(keep)
  for (condition in strsplit(where, ";", fixed = TRUE)[[1]]) {
    kv <- strsplit(condition, "=", fixed = TRUE)[[1]]
    value <- as.character(data[[kv[1]]])
    keep <- keep & !is.na(value) & value == kv[2]
  }
  keep
}

refit <- function(e) {
  covariates <- if (is.na(e$covariates) || e$covariates == "") character(0) else strsplit(e$covariates, " ", fixed = TRUE)[[1]]
  d <- data[inPopulation(e$where), , drop = FALSE]
  d <- d[complete.cases(d[, covariates, drop = FALSE]), , drop = FALSE]
  d$port01 <- as.numeric(as.logical(d$port))
  d$time <- d[[e$time]]
  d$event <- as.numeric(d[[e$status]] == 1)
  out <- list(n = nrow(d), events = sum(d$event), nPort = sum(d$port01), coef = NA, se = NA, z = NA, hr = NA)
  if (out$nPort == 0 || out$nPort == out$n || out$events == 0) return(out)
  formula <- as.formula(paste("Surv(time, event) ~", paste(c("port01", covariates), collapse = " + ")))
  fit <- coxph(formula, data = d, ties = "efron")
  s <- summary(fit)$coefficients
  out$coef <- s["port01", "coef"]
  out$se <- s["port01", "se(coef)"]
  out$z <- s["port01", "z"]
  out$hr <- exp(out$coef)
  out
}

# One estimand's sequential test, look by look, per spending family (an amendment that changed the
# estimand's definition starts a new family with the alpha the earlier ones left; looks.csv has it).
monitor <- function(e, history, current) {
  steps <- vector("list", nrow(history))
  # The grid resolves the narrowest transition kernel of the history: sd sqrt((I_k - I_j) / I_j) on the Z scale.
  events <- history$events
  events[nrow(history)] <- current$events
  ratios <- events[-1] / pmax(1, events[-length(events)])
  narrowest <- if (any(ratios > 1)) sqrt(min(ratios[ratios > 1]) - 1) else 1
  h <- min(0.01, narrowest / 24)
  for (family in unique(history$family)) {
    rows <- which(history$family == family)
    t <- NA_real_; spent <- 0; state <- "accruing"
    spendingEvents <- numeric(0); spendingCritical <- numeric(0); chain <- NULL
    for (i in rows) {
      h_ <- history[i, ]
      last <- i == nrow(history)
      events <- if (last) current$events else h_$events
      maxEvents <- if (last && e$rule == "schoenfeld") schoenfeldMax(e, current$nPort / current$n) else h_$maxEvents
      hasEstimate <- if (last) !is.na(current$coef) else isTRUE(h_$hasEstimate)
      byEvents <- if (is.na(maxEvents)) NA_real_ else events / maxEvents
      t <- suppressWarnings(max(c(byEvents, calendarFraction(h_$horizonFrom, h_$horizonTo, h_$cutoff), t), na.rm = TRUE))
      if (!is.finite(t)) t <- NA_real_
      critical <- NA_real_; criticalRpact <- NA_real_
      final <- !is.na(t) && t >= 1
      eligible <- !(state %in% c("crossed", "complete")) && !is.na(t) && t > 0 && hasEstimate &&
        (!isTRUE(h_$gated) || final) && events > max(c(0, spendingEvents))
      if (eligible) {
        increment <- (if (final) h_$alpha else obf(t, h_$alpha)) - spent
        if (increment >= MIN_SPEND) {
          rates <- c(spendingEvents, events) / events
          critical <- if (is.null(chain)) qnorm(increment / 2, lower.tail = FALSE) else solve(function(c) ownCrossing(chain, events, c), increment)
          # rpact's recursion costs O(looks) per evaluation: it is checked at the exported look only.
          if (last) criticalRpact <- if (length(spendingCritical) == 0) critical else solve(function(c) rpactCrossing(spendingCritical, rates, c), increment)
          spent <- spent + ownCrossing(chain, events, critical)
          chain <- advance(chain, critical, events, h)
          spendingEvents <- c(spendingEvents, events)
          spendingCritical <- c(spendingCritical, critical)
        }
      }
      steps[[i]] <- list(cutoff = h_$cutoff, events = events, maxEvents = maxEvents, informationFraction = t, alpha = h_$alpha,
                         alphaSpent = spent, boundaryZ = critical, boundaryZRpact = criticalRpact)
      state <- h_$state
    }
  }
  steps
}

num <- function(x) if (length(x) == 0 || is.na(x)) "null" else if (x == round(x) && abs(x) < 1e15) sprintf("%.0f", x) else sprintf("%.17g", x)
str <- function(x) paste0("\"", gsub("\"", "\\\\\"", x), "\"")
obj <- function(fields) paste0("{", paste(sprintf("%s:%s", str(names(fields)), unlist(fields)), collapse = ","), "}")

cutoff <- max(looks$cutoff)
out <- character(0)
for (k in seq_len(nrow(estimands))) {
  e <- estimands[k, ]
  history <- looks[looks$population == e$population & looks$endpoint == e$endpoint, ]
  fit <- refit(e)
  steps <- monitor(e, history, fit)
  now <- steps[[length(steps)]]
  c <- now$boundaryZ
  deviation <- max(c(0, abs(sapply(steps, `[[`, "informationFraction") - history$recordedInformationFraction),
                     abs(sapply(steps, `[[`, "alphaSpent") - history$recordedAlphaSpent),
                     abs(sapply(steps, `[[`, "boundaryZ") - history$recordedBoundaryZ)), na.rm = TRUE)
  same <- all(is.na(sapply(steps, `[[`, "boundaryZ")) == is.na(history$recordedBoundaryZ))
  message(sprintf("%s/%s: %d looks; largest |R - CohortWatch| over information fractions, alpha spent and boundaries: %.2g%s%s",
                  e$population, e$endpoint, nrow(history), deviation, if (same) "" else " (the looks that spend differ)",
                  if (is.na(now$boundaryZRpact)) "" else sprintf("; boundary now %.9f (rpact's recursion: %.9f)", c, now$boundaryZRpact)))
  lookJson <- sapply(steps, function(s) obj(list(cutoff = str(s$cutoff), events = num(s$events), informationFraction = num(s$informationFraction),
                                                 alphaSpent = num(s$alphaSpent), boundaryZ = num(s$boundaryZ))))
  out <- c(out, obj(list(
    population = str(e$population), endpoint = str(e$endpoint), n = num(fit$n), events = num(fit$events), nPort = num(fit$nPort),
    coef = num(fit$coef), se = num(fit$se), z = num(fit$z), hr = num(fit$hr),
    maxEvents = num(now$maxEvents), informationFraction = num(now$informationFraction), alpha = num(now$alpha), alphaSpent = num(now$alphaSpent),
    boundaryZ = num(c), boundaryZRpact = num(now$boundaryZRpact), boundaryHrLower = num(exp(-c * fit$se)), boundaryHrUpper = num(exp(c * fit$se)),
    repeatedLower = num(exp(fit$coef - c * fit$se)), repeatedUpper = num(exp(fit$coef + c * fit$se)),
    looks = paste0("[", paste(lookJson, collapse = ","), "]")
  )))
}
cat(obj(list(
  cutoff = str(cutoff), r = str(paste(R.version$major, R.version$minor, sep = ".")),
  survival = str(as.character(packageVersion("survival"))), rpact = str(as.character(packageVersion("rpact"))),
  estimands = paste0("[", paste(out, collapse = ","), "]")
)), "\n")
