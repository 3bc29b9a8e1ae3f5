// Records a run's scalar events into its metrics.sqlite, so charts survive restarts.
#pragma once
#include <filesystem>
#include <memory>

#include "io/metrics_store.h"
#include "train/events.h"

namespace vds {

class MetricsRecorder : public EventSink {
 public:
  explicit MetricsRecorder(const std::filesystem::path& file);
  void post(const Event& event) override;
  MetricsStore& store() { return store_; }

 private:
  MetricsStore store_;
  int64_t lastStep_ = 0;  // LogEvents carry no step: they are noted at the latest one seen
};

}  // namespace vds
