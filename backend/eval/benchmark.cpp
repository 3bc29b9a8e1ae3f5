#include "eval/benchmark.h"

#include <algorithm>
#include <chrono>
#include <stdexcept>

namespace vds {

double quantile(std::vector<double> values, double q) {
  if (values.empty()) throw std::invalid_argument("quantile of an empty set");
  std::sort(values.begin(), values.end());
  const double pos = q * static_cast<double>(values.size() - 1);
  const size_t lo = static_cast<size_t>(pos);
  const size_t hi = std::min(lo + 1, values.size() - 1);
  return values[lo] + (pos - static_cast<double>(lo)) * (values[hi] - values[lo]);
}

nlohmann::json BenchResult::toJson() const {
  return {{"name", name}, {"unit", unit},  {"repetitions", repetitions}, {"median", median}, {"p10", p10},
          {"p90", p90},   {"min", min},    {"max", max},                 {"settings", settings}};
}

BenchResult runBenchmark(const std::string& name, int warmup, int repetitions, double unitsPerRun,
                         const std::function<void()>& work) {
  for (int i = 0; i < warmup; ++i) work();
  std::vector<double> samples;
  samples.reserve(static_cast<size_t>(repetitions));
  for (int i = 0; i < repetitions; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    work();
    samples.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count() /
                      unitsPerRun);
  }
  BenchResult r;
  r.name = name;
  r.repetitions = repetitions;
  r.median = quantile(samples, 0.5);
  r.p10 = quantile(samples, 0.1);
  r.p90 = quantile(samples, 0.9);
  r.min = *std::min_element(samples.begin(), samples.end());
  r.max = *std::max_element(samples.begin(), samples.end());
  return r;
}

}  // namespace vds
