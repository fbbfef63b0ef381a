# Boundaries of recorded information histories, computed by rpact, for test/analysis/monitoringBoundaries.test.ts.
#
#   Rscript scripts/r/rpact-monitoring-boundaries.R > test/fixtures/rpact/monitoring-boundaries.json
#
# Each case is one primary estimand's looks: events at each look, the design's maximum events at each
# look (it may change: an amendment, or Schoenfeld's rule following the observed allocation), and the
# two-sided alpha. CohortWatch spends alpha(min(1, events/maxEvents)) cumulatively (Lan-DeMets
# O'Brien-Fleming, rpact's two-sided convention 4(1 - Phi(z_{1-alpha/4} / sqrt(t)))), never less than
# already spent; the look that reaches t = 1 spends all that is left (over-running looks: the spending
# time is capped at 1 and correlations come from the actual events, as gsDesign's maxn.IPlan does).
# rpact reproduces that as a user-spending design ("asUser") whose information rates are the events
# relative to the last look and whose cumulative spending is that sequence.
suppressMessages(library(rpact))
library(jsonlite)

obf <- function(t, alpha) 4 * (1 - pnorm(qnorm(1 - alpha / 4) / sqrt(pmin(1, t))))

boundaries <- function(name, alpha, events, maxEvents) {
  t <- events / maxEvents
  spent <- cummax(ifelse(t >= 1, alpha, obf(t, alpha)))
  # A look whose spending increment is below 1e-12 (O'Brien-Fleming before t ~ 0.1) spends nothing in
  # CohortWatch and is left out of the recursion (its boundary would be beyond |z| = 7): it is left
  # out of the rpact design too, and its boundary is null.
  spends <- diff(c(0, spent)) >= 1e-12
  k <- which(spends)
  design <- getDesignGroupSequential(
    # rpact wants the user spending to end at the design's alpha: the history so far is a design whose
    # alpha is what it has spent (boundaries depend only on the spending increments).
    kMax = length(k), alpha = spent[max(k)], sided = 2, typeOfDesign = "asUser",
    informationRates = events[k] / events[max(k)], userAlphaSpending = spent[k]
  )
  critical <- rep(NA_real_, length(events))
  critical[k] <- design$criticalValues
  list(
    name = name, alpha = alpha, events = events, maxEvents = maxEvents,
    informationFraction = t, cumulativeAlphaSpent = spent,
    criticalValues = critical, rpactVersion = as.character(packageVersion("rpact"))
  )
}

a <- 0.05 / 6
cases <- list(
  boundaries("yearly looks, planned 260 events, not yet complete", a, c(60, 110, 170, 225), rep(260, 4)),
  boundaries("reaches the maximum exactly", a, c(70, 140, 205, 260), rep(260, 4)),
  boundaries("over-runs the maximum at the last look", a, c(80, 150, 230, 300), rep(260, 4)),
  boundaries("Schoenfeld maximum following the observed allocation", a, c(55, 120, 190, 260, 330), c(405, 411, 409, 414, 412)),
  boundaries("amended: maximum cut from 400 to 250 after two looks", a, c(90, 160, 210, 260), c(400, 400, 250, 250)),
  boundaries("whole family-wise alpha on one estimand, six looks", 0.05, c(30, 60, 90, 120, 150, 180), rep(180, 6))
)
# Inflation factors of equally spaced two-sided Lan-DeMets O'Brien-Fleming designs (the Schoenfeld rule's
# group-sequential inflation), from rpact's design characteristics.
inflation <- lapply(list(c(a, 0.8, 4), c(a, 0.8, 10), c(a, 0.9, 10), c(0.05, 0.8, 5)), function(p) {
  design <- getDesignGroupSequential(kMax = p[3], alpha = p[1], beta = 1 - p[2], sided = 2, typeOfDesign = "asOF")
  list(alpha = p[1], power = p[2], looks = p[3], inflationFactor = getDesignCharacteristics(design)$inflationFactor)
})
cat(toJSON(list(boundaries = cases, inflationFactors = inflation), auto_unbox = TRUE, digits = NA, pretty = TRUE, na = "null"), "\n")
