// The benchmark harness behind `vdstudio-cli bench`: repeated timed runs reported
// as medians and spreads, never asserted in unit tests (these machines are noisy).
#pragma once
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace vds {

struct BenchResult {
  std::string name;
  std::string unit = "ms";
  int repetitions = 0;
  double median = 0, p10 = 0, p90 = 0, min = 0, max = 0;
  nlohmann::json settings;  // everything needed to reproduce the figure
  nlohmann::json toJson() const;
};

// Runs `work` `warmup` times untimed, then `repetitions` times timed; each timed run's
// milliseconds are divided by `unitsPerRun` (e.g. clips per batch) before the statistics.
BenchResult runBenchmark(const std::string& name, int warmup, int repetitions, double unitsPerRun,
                         const std::function<void()>& work);

// Quantile by linear interpolation between order statistics (q in [0, 1]).
double quantile(std::vector<double> values, double q);

}  // namespace vds
