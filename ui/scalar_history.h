// Every scalar a run has reported, by key, with the parsing the plots need: EMA
// smoothing, timestep-binned keys and per-loss gradient norms. Generic over keys: a
// method adds a plot by emitting a new key, nothing here names a method.
//
// Key conventions recognised (the Trainer prefixes losses with loss/ and diagnostics
// with diag/):
//  - timestep bins: the last component is t<lo>-<hi> or t<t> (loss/dmd/t0-249), or a
//    tbin/<lo>-<hi> tail (diag/dmd/tbin/250-499); the group is the key without its bin.
//  - gradient norms: any key with a grad_norm/<loss> part, e.g. diag/grad_norm/dmd.
//  - loss weights: a key whose last component is lambda_<name> (diag/lambda_adm) is the
//    current weight of a loss the method lets SetLossWeightCommand{name} change; one whose
//    last component is suggested_lambda_<name> (diag/balance/suggested_lambda_adm) is the
//    weight that would balance the gradient norms.
#pragma once
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "train/events.h"

namespace vds::ui {

struct ScalarSeries {
  std::vector<double> steps, wallSeconds, values;
  size_t size() const { return values.size(); }
};

struct TimestepBin {
  std::string group;  // the key without the bin part
  double lo = 0, hi = 0;
};

class ScalarHistory {
 public:
  // Returns the keys seen for the first time.
  std::vector<std::string> append(const ScalarsEvent& event);
  // Replaces the history with a run's metrics.sqlite (a resumed or browsed run).
  void loadFromStore(const std::filesystem::path& metricsFile);
  void clear() { series_.clear(); }
  const std::map<std::string, ScalarSeries>& series() const { return series_; }
  const ScalarSeries* find(const std::string& key) const;

 private:
  std::map<std::string, ScalarSeries> series_;
};

// Exponential moving average with weight `smoothing` in [0, 1) on the past, bias
// corrected so the first points are not pulled towards zero.
std::vector<double> emaSmooth(const std::vector<double>& values, double smoothing);
std::optional<TimestepBin> parseTimestepBin(const std::string& key);
// The loss name of a gradient-norm key, or nullopt.
std::optional<std::string> gradNormLoss(const std::string& key);
// The loss-weight name of a lambda_<name> key, or nullopt.
std::optional<std::string> lossWeightName(const std::string& key);
// The loss-weight name of a suggested_lambda_<name> key, or nullopt.
std::optional<std::string> suggestedWeightName(const std::string& key);

}  // namespace vds::ui
