#include "train/metrics_recorder.h"

namespace vds {

MetricsRecorder::MetricsRecorder(const std::filesystem::path& file) : store_(file) {}

void MetricsRecorder::post(const Event& event) {
  if (const auto* s = std::get_if<ScalarsEvent>(&event)) {
    store_.append(s->step, s->wallSeconds, {s->values.begin(), s->values.end()});
  } else if (const auto* c = std::get_if<CheckpointEvent>(&event)) {
    store_.note(c->step, "checkpoint", c->path);
  } else if (const auto* st = std::get_if<StatusEvent>(&event)) {
    if (!st->message.empty()) store_.note(st->step, "status", st->message);
    lastStep_ = st->step;
  } else if (const auto* l = std::get_if<LogEvent>(&event)) {
    // Log lines (style swaps, loss-weight changes, warnings) stay with the run's metrics.
    store_.note(lastStep_, "log", l->text);
  }
  if (const auto* s = std::get_if<ScalarsEvent>(&event)) lastStep_ = s->step;
}

}  // namespace vds
