"""Pure functions of counts: statistics, intervals, tests, bootstrap, curves."""
