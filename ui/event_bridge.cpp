#include "ui/event_bridge.h"

#include <QMetaObject>

#include <algorithm>

namespace vds::ui {
namespace {

template <typename T>
bool replaceLatest(std::vector<Event>& pending, const T& event) {
  for (auto it = pending.rbegin(); it != pending.rend(); ++it)
    if (std::holds_alternative<T>(*it)) {
      *it = event;
      return true;
    }
  return false;
}

}  // namespace

EventBridge::EventBridge(QObject* parent) : QObject(parent) {}

int64_t EventBridge::droppedSamples() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return droppedSamples_;
}

void EventBridge::post(const Event& event) {
  bool scheduleFlush = false;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    bool merged = false;
    if (const auto* p = std::get_if<ProgressEvent>(&event)) merged = replaceLatest(pending_, *p);
    else if (const auto* t = std::get_if<TimingEvent>(&event)) merged = replaceLatest(pending_, *t);
    else if (const auto* m = std::get_if<MemoryEvent>(&event)) merged = replaceLatest(pending_, *m);
    else if (const auto* s = std::get_if<ScalarsEvent>(&event)) {
      // A method may report extra scalars for a step already queued: one point per step.
      for (auto it = pending_.rbegin(); it != pending_.rend() && !merged; ++it)
        if (auto* q = std::get_if<ScalarsEvent>(&*it); q && q->step == s->step) {
          for (const auto& [k, v] : s->values) q->values[k] = v;
          merged = true;
        }
    } else if (std::holds_alternative<SampleEvent>(event)) {
      const auto samples = std::count_if(pending_.begin(), pending_.end(),
                                         [](const Event& e) { return std::holds_alternative<SampleEvent>(e); });
      if (static_cast<size_t>(samples) >= kMaxPendingSamples) {
        pending_.erase(std::find_if(pending_.begin(), pending_.end(),
                                    [](const Event& e) { return std::holds_alternative<SampleEvent>(e); }));
        ++droppedSamples_;
      }
    }
    if (!merged) pending_.push_back(event);
    if (!flushQueued_) {
      flushQueued_ = true;
      scheduleFlush = true;
    }
  }
  if (scheduleFlush) QMetaObject::invokeMethod(this, [this] { flush(); }, Qt::QueuedConnection);
}

void EventBridge::flush() {
  std::vector<Event> events;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    events.swap(pending_);
    flushQueued_ = false;
  }
  ++flushes_;
  std::vector<ScalarsEvent> scalars;
  const auto flushScalars = [&] {
    if (scalars.empty()) return;
    Q_EMIT scalarsArrived(scalars);
    scalars.clear();
  };
  for (const Event& e : events) {
    if (const auto* s = std::get_if<ScalarsEvent>(&e)) {
      scalars.push_back(*s);
      continue;
    }
    // Anything else keeps its place after the scalars that came before it.
    flushScalars();
    if (const auto* sm = std::get_if<SampleEvent>(&e)) Q_EMIT sampleArrived(*sm);
    else if (const auto* p = std::get_if<ProgressEvent>(&e)) Q_EMIT progressArrived(*p);
    else if (const auto* t = std::get_if<TimingEvent>(&e)) Q_EMIT timingArrived(*t);
    else if (const auto* m = std::get_if<MemoryEvent>(&e)) Q_EMIT memoryArrived(*m);
    else if (const auto* l = std::get_if<LogEvent>(&e)) Q_EMIT logArrived(*l);
    else if (const auto* c = std::get_if<CheckpointEvent>(&e)) Q_EMIT checkpointArrived(*c);
    else if (const auto* st = std::get_if<StatusEvent>(&e)) Q_EMIT statusArrived(*st);
  }
  flushScalars();
}

}  // namespace vds::ui
