#include "ui/video_clips.h"

namespace vds::ui {

QImage VideoClips::frame(int clip, int frameIndex) const {
  if (clip < 0 || clip >= clips || frameIndex < 0 || frameIndex >= frames) return {};
  const size_t frameBytes = static_cast<size_t>(height) * width * 3;
  const size_t offset = (static_cast<size_t>(clip) * frames + frameIndex) * frameBytes;
  if (offset + frameBytes > rgb.size()) return {};
  // QImage does not own `rgb`; copy() detaches it so the image outlives this object.
  return QImage(rgb.data() + offset, width, height, width * 3, QImage::Format_RGB888).copy();
}

VideoClips VideoClips::clip(int index) const {
  VideoClips one;
  one.fps = fps;
  const size_t clipBytes = static_cast<size_t>(frames) * height * width * 3;
  if (index < 0 || index >= clips || clipBytes * (index + 1) > rgb.size()) return one;
  one.clips = 1;
  one.frames = frames;
  one.height = height;
  one.width = width;
  const auto begin = rgb.begin() + static_cast<std::ptrdiff_t>(clipBytes * index);
  one.rgb.assign(begin, begin + static_cast<std::ptrdiff_t>(clipBytes));
  if (index < captions.size()) one.captions << captions[index];
  return one;
}

VideoClips VideoClips::fromSample(const SampleEvent& sample) {
  VideoClips v;
  v.clips = sample.clips;
  v.frames = sample.frames;
  v.height = sample.height;
  v.width = sample.width;
  v.rgb = sample.rgb;
  v.fps = sample.fps > 0 ? sample.fps : kDefaultSampleFps;
  for (const auto& c : sample.captions) v.captions << QString::fromStdString(c);
  return v;
}

}  // namespace vds::ui
