// Reads back the previews a run saved, so a resumed or browsed run's sample history (and
// the Samples view's slider) survives a restart. The Trainer writes each preview as
// RUN/samples/step-NNNNNN/LABEL.png, a contact sheet, with LABEL.json beside it naming
// the layout (train/trainer.h, RunPaths::samples); the frames are cut back out of it.
#pragma once
#include <QImage>
#include <QJsonObject>
#include <QString>

#include <filesystem>
#include <optional>
#include <vector>

#include "train/events.h"

namespace vds::ui {

struct SavedSamples {
  std::vector<SampleEvent> samples;  // oldest step first
  QStringList skipped;               // sheets that could not be read, with the reason
};

// Every readable preview under RUN/samples. A sheet without its LABEL.json (runs made
// before the layout was recorded) is listed in `skipped`, as is one whose size does not
// match its layout.
SavedSamples readSavedSamples(const std::filesystem::path& runDir);

// The clips of one contact sheet laid out as `layout` says (clips, frames, height,
// width, scale, padding, captions, fps); nullopt with `error` set when they do not fit.
std::optional<SampleEvent> sampleFromSheet(const QImage& sheet, const QJsonObject& layout, QString* error);

}  // namespace vds::ui
