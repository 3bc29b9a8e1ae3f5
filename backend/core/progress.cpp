#include "core/progress.h"

#include <cmath>
#include <cstdio>

namespace vds {

EtaEstimator::EtaEstimator(int64_t total, double smoothing) : total_(total), smoothing_(smoothing) {}

void EtaEstimator::update(int64_t done, double now) {
  const int64_t units = done - lastDone_;
  if (units > 0 && now > lastTime_) {
    const double perUnit = (now - lastTime_) / static_cast<double>(units);
    secondsPerUnit_ = secondsPerUnit_ < 0 ? perUnit : (1.0 - smoothing_) * secondsPerUnit_ + smoothing_ * perUnit;
    rate_ = secondsPerUnit_ > 0 ? 1.0 / secondsPerUnit_ : 0.0;
    lastDone_ = done;
    lastTime_ = now;
  }
  done_ = done;
}

double EtaEstimator::etaSeconds() const {
  if (total_ <= 0 || secondsPerUnit_ < 0) return -1;
  return std::max<int64_t>(0, total_ - done_) * secondsPerUnit_;
}

ProgressTracker::ProgressTracker(std::string label, int64_t total, Callback callback)
    : label_(std::move(label)), eta_(total), callback_(std::move(callback)), start_(std::chrono::steady_clock::now()) {}

void ProgressTracker::advance(int64_t units) { set(done_ + units); }

void ProgressTracker::set(int64_t done) {
  done_ = done;
  const double now = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  eta_.update(done, now);
  last_ = ProgressUpdate{label_, done_, eta_.total(), now, eta_.etaSeconds(), eta_.rate()};
  if (callback_) callback_(last_);
}

std::string formatDuration(double seconds) {
  if (seconds < 0 || !std::isfinite(seconds)) return "--";
  const auto s = static_cast<long long>(std::llround(seconds));
  char buf[32];
  if (s >= 3600)
    std::snprintf(buf, sizeof buf, "%lldh%02lldm", s / 3600, (s % 3600) / 60);
  else if (s >= 60)
    std::snprintf(buf, sizeof buf, "%lldm%02llds", s / 60, s % 60);
  else
    std::snprintf(buf, sizeof buf, "%llds", s);
  return buf;
}

}  // namespace vds
