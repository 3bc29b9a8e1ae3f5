// Events up: what the Trainer reports while it runs (ARCHITECTURE §3).
// Every event is a plain value that owns its data, so it can cross threads
// (the GUI bridge queues them to the UI thread; tensors never cross).
#pragma once
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <variant>
#include <vector>

namespace vds {

// Named scalars at one step: loss terms, diagnostics, learning rates.
struct ScalarsEvent {
  int64_t step = 0;
  double wallSeconds = 0;
  std::map<std::string, double> values;
};

// A sample video grid as owned RGB bytes, [clips][frames][height][width][3].
inline constexpr double kDefaultSampleFps = 8.0;  // the rate previews are made for
struct SampleEvent {
  int64_t step = 0;
  std::string label;  // e.g. "student-4step", "triptych"
  int clips = 0, frames = 0, height = 0, width = 0;
  double fps = kDefaultSampleFps;  // frames per second the clips play at
  std::vector<uint8_t> rgb;
  std::vector<std::string> captions;
  std::string path;  // where it was saved in the run folder, if it was
};

struct ProgressEvent {
  int64_t step = 0, totalSteps = 0;
  double iterationsPerSecond = 0, etaSeconds = -1, elapsedSeconds = 0;
};

// Milliseconds spent in each phase (data, generator, discriminator, ...) over the last interval.
struct TimingEvent {
  int64_t step = 0;
  std::map<std::string, double> phaseMilliseconds;
};

struct MemoryEvent {
  int64_t step = 0;
  double rssMiB = 0, cudaAllocatedMiB = 0, cudaReservedMiB = 0;
};

struct LogEvent {
  enum class Level { Info, Warning, Error } level = Level::Info;
  std::string text;
};

struct CheckpointEvent {
  int64_t step = 0;
  std::string path;
};

// Life-cycle of a run.
struct StatusEvent {
  enum class State { Started, Paused, Resumed, Stopping, Finished, Stopped, Failed } state = State::Started;
  int64_t step = 0;
  std::string message;
};

using Event = std::variant<ScalarsEvent, SampleEvent, ProgressEvent, TimingEvent, MemoryEvent, LogEvent,
                           CheckpointEvent, StatusEvent>;

// Receives events on the training thread; implementations must be quick and
// must not call back into the Trainer (queue the work instead).
class EventSink {
 public:
  virtual ~EventSink() = default;
  virtual void post(const Event& event) = 0;
};

// Keeps every event; for tests and for the CLI's end-of-run summary.
class CollectingSink : public EventSink {
 public:
  void post(const Event& event) override {
    std::lock_guard<std::mutex> lock(mutex_);
    events_.push_back(event);
  }
  std::vector<Event> events() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return events_;
  }
  template <typename T>
  std::vector<T> only() const {
    std::vector<T> out;
    for (const auto& e : events())
      if (const T* t = std::get_if<T>(&e)) out.push_back(*t);
    return out;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<Event> events_;
};

// Forwards to several sinks (for example the CLI printer and a collector).
class FanOutSink : public EventSink {
 public:
  void add(EventSink* sink) { sinks_.push_back(sink); }
  void post(const Event& event) override {
    for (auto* s : sinks_) s->post(event);
  }

 private:
  std::vector<EventSink*> sinks_;
};

}  // namespace vds
