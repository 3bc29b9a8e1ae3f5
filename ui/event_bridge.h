// The bridge from the Trainer's EventSink (training thread) to Qt signals (UI thread).
// post() never waits on the UI: it appends to a short queue under a mutex held for a
// few instructions and asks the UI thread for one flush. Progress, timing and memory
// keep only their newest value, scalars of one step merge, and a burst of scalars
// arrives as one batch, so a fast trainer cannot flood the event loop.
#pragma once
#include <QObject>

#include <cstdint>
#include <mutex>
#include <vector>

#include "train/events.h"

namespace vds::ui {

class EventBridge : public QObject, public EventSink {
  Q_OBJECT
 public:
  explicit EventBridge(QObject* parent = nullptr);

  // Any thread.
  void post(const Event& event) override;

  // Sample videos waiting beyond this many are dropped, oldest first (counted).
  static constexpr size_t kMaxPendingSamples = 64;
  int64_t droppedSamples() const;
  int64_t flushes() const { return flushes_; }

 Q_SIGNALS:
  void scalarsArrived(const std::vector<vds::ScalarsEvent>& batch);
  void sampleArrived(const vds::SampleEvent& sample);
  void progressArrived(const vds::ProgressEvent& progress);
  void timingArrived(const vds::TimingEvent& timing);
  void memoryArrived(const vds::MemoryEvent& memory);
  void logArrived(const vds::LogEvent& log);
  void checkpointArrived(const vds::CheckpointEvent& checkpoint);
  void statusArrived(const vds::StatusEvent& status);

 private:
  void flush();  // UI thread

  mutable std::mutex mutex_;
  std::vector<Event> pending_;
  bool flushQueued_ = false;
  int64_t droppedSamples_ = 0;
  int64_t flushes_ = 0;
};

}  // namespace vds::ui
