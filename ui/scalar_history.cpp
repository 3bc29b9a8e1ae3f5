#include "ui/scalar_history.h"

#include <regex>

#include "io/metrics_store.h"

namespace vds::ui {

std::vector<std::string> ScalarHistory::append(const ScalarsEvent& event) {
  std::vector<std::string> added;
  for (const auto& [key, value] : event.values) {
    auto [it, inserted] = series_.try_emplace(key);
    if (inserted) added.push_back(key);
    ScalarSeries& s = it->second;
    // A resumed run rewinds to its checkpoint: drop points at or after the step it repeats.
    while (!s.steps.empty() && s.steps.back() >= static_cast<double>(event.step)) {
      s.steps.pop_back();
      s.wallSeconds.pop_back();
      s.values.pop_back();
    }
    s.steps.push_back(static_cast<double>(event.step));
    s.wallSeconds.push_back(event.wallSeconds);
    s.values.push_back(value);
  }
  return added;
}

void ScalarHistory::loadFromStore(const std::filesystem::path& metricsFile) {
  series_.clear();
  if (!std::filesystem::exists(metricsFile)) return;
  MetricsStore store(metricsFile);
  for (const auto& name : store.names()) {
    ScalarSeries& s = series_[name];
    for (const MetricPoint& p : store.series(name)) {
      s.steps.push_back(static_cast<double>(p.step));
      s.wallSeconds.push_back(p.wallSeconds);
      s.values.push_back(p.value);
    }
  }
}

const ScalarSeries* ScalarHistory::find(const std::string& key) const {
  const auto it = series_.find(key);
  return it == series_.end() ? nullptr : &it->second;
}

std::vector<double> emaSmooth(const std::vector<double>& values, double smoothing) {
  std::vector<double> out(values.size());
  double average = 0, weight = 0;
  for (size_t i = 0; i < values.size(); ++i) {
    average = smoothing * average + (1 - smoothing) * values[i];
    weight = smoothing * weight + (1 - smoothing);
    out[i] = weight > 0 ? average / weight : values[i];
  }
  return out;
}

std::optional<TimestepBin> parseTimestepBin(const std::string& key) {
  static const std::regex lastT("^(.+)/t([0-9]+(?:\\.[0-9]+)?)(?:-([0-9]+(?:\\.[0-9]+)?))?$");
  static const std::regex tbin("^(.+)/tbin/([0-9]+(?:\\.[0-9]+)?)(?:-([0-9]+(?:\\.[0-9]+)?))?$");
  std::smatch m;
  if (std::regex_match(key, m, lastT) || std::regex_match(key, m, tbin)) {
    TimestepBin b;
    b.group = m[1].str();
    b.lo = std::stod(m[2].str());
    b.hi = m[3].matched ? std::stod(m[3].str()) : b.lo;
    return b;
  }
  return std::nullopt;
}

std::optional<std::string> gradNormLoss(const std::string& key) {
  const std::string marker = "grad_norm/";
  const auto pos = key.find(marker);
  if (pos == std::string::npos || pos + marker.size() >= key.size()) return std::nullopt;
  if (pos > 0 && key[pos - 1] != '/') return std::nullopt;
  return key.substr(pos + marker.size());
}

namespace {

// The rest of the key's last component after `prefix`, when it starts with it.
std::optional<std::string> lastComponentAfter(const std::string& key, const std::string& prefix) {
  const auto slash = key.rfind('/');
  const std::string last = slash == std::string::npos ? key : key.substr(slash + 1);
  if (last.size() <= prefix.size() || last.compare(0, prefix.size(), prefix) != 0) return std::nullopt;
  return last.substr(prefix.size());
}

}  // namespace

std::optional<std::string> lossWeightName(const std::string& key) { return lastComponentAfter(key, "lambda_"); }

std::optional<std::string> suggestedWeightName(const std::string& key) {
  return lastComponentAfter(key, "suggested_lambda_");
}

}  // namespace vds::ui
