// Progress and ETA for long work, shared by the CLI bar and the GUI status bar.
#pragma once
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

namespace vds {

struct ProgressUpdate {
  std::string label;
  int64_t done = 0;
  int64_t total = 0;          // 0 when unknown
  double elapsedSeconds = 0;
  double etaSeconds = -1;     // < 0 when not yet known
  double ratePerSecond = 0;   // smoothed
};

// Estimates rate and ETA with an exponential moving average of the per-unit
// time, so that a slow first unit (warm-up) does not dominate for long.
class EtaEstimator {
 public:
  explicit EtaEstimator(int64_t total, double smoothing = 0.1);
  // Records that `done` units are complete at time `now` (seconds from start).
  void update(int64_t done, double now);
  double etaSeconds() const;  // < 0 when unknown
  double rate() const { return rate_; }
  int64_t total() const { return total_; }

 private:
  int64_t total_;
  double smoothing_;
  int64_t lastDone_ = 0;
  double lastTime_ = 0;
  double secondsPerUnit_ = -1;
  double rate_ = 0;
  int64_t done_ = 0;
};

// Drives an EtaEstimator from wall-clock time and hands updates to a callback.
class ProgressTracker {
 public:
  using Callback = std::function<void(const ProgressUpdate&)>;
  ProgressTracker(std::string label, int64_t total, Callback callback);
  void advance(int64_t units = 1);
  void set(int64_t done);
  const ProgressUpdate& last() const { return last_; }

 private:
  std::string label_;
  EtaEstimator eta_;
  Callback callback_;
  std::chrono::steady_clock::time_point start_;
  int64_t done_ = 0;
  ProgressUpdate last_;
};

// "1h02m", "3m07s", "12s"; "--" for a negative (unknown) duration.
std::string formatDuration(double seconds);

}  // namespace vds
