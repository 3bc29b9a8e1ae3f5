// Videos as the UI holds them: owned RGB bytes laid out [clips][frames][height][width][3],
// exactly as SampleEvent carries them, with the rate they play at, plus helpers to turn
// one frame into a QImage.
#pragma once
#include <QImage>
#include <QString>
#include <QStringList>

#include <cstdint>
#include <vector>

#include "train/events.h"

namespace vds::ui {

struct VideoClips {
  int clips = 0, frames = 0, height = 0, width = 0;
  std::vector<uint8_t> rgb;
  QStringList captions;
  // Frames per second: SampleEvent::fps for previews, the stream's own rate for a
  // decoded file. Playback and export use it.
  double fps = kDefaultSampleFps;

  bool empty() const { return clips == 0 || frames == 0; }
  // One frame of one clip; a null image when out of range.
  QImage frame(int clip, int frameIndex) const;
  // One clip alone, with its caption and rate; empty when out of range.
  VideoClips clip(int index) const;
  static VideoClips fromSample(const SampleEvent& sample);
};

}  // namespace vds::ui
