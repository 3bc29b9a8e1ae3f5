#include "data/dataset.h"

#include "core/errors.h"

namespace vds {

ShapesDataset::ShapesDataset(WorldOptions options, Split split, int64_t size, Style style)
    : world_(options), split_(split), size_(size), style_(style) {
  if (size_ < 1) throw ConfigError("Shapes dataset size must be at least 1, got " + std::to_string(size_));
}

Sample ShapesDataset::get(int64_t index) const {
  if (index < 0 || index >= size_)
    throw DataError("Shapes dataset (" + std::string(splitName(split_)) + "): index " + std::to_string(index) +
                    " is outside [0, " + std::to_string(size_) + ")");
  const ClipSpec spec = world_.spec(split_, index);
  Sample s;
  s.video = world_.renderFloat(spec, style_);
  s.firstFrame = s.video.select(0, 0);
  s.caption = spec.caption;
  s.index = index;
  return s;
}

}  // namespace vds
