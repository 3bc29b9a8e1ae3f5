// Videos as the UI holds them: owned RGB bytes laid out [clips][frames][height][width][3],
// exactly as SampleEvent carries them, plus helpers to turn one frame into a QImage.
#pragma once
#include <QImage>
#include <QString>
#include <QStringList>

#include <cstdint>
#include <vector>

namespace vds {
struct SampleEvent;
}

namespace vds::ui {

struct VideoClips {
  int clips = 0, frames = 0, height = 0, width = 0;
  std::vector<uint8_t> rgb;
  QStringList captions;

  bool empty() const { return clips == 0 || frames == 0; }
  // One frame of one clip; a null image when out of range.
  QImage frame(int clip, int frameIndex) const;
  static VideoClips fromSample(const SampleEvent& sample);
};

}  // namespace vds::ui
