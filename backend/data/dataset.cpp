#include "data/dataset.h"

#include "core/errors.h"

namespace vds {

ShapesDataset::ShapesDataset(WorldOptions options, Split split, int64_t clips, Style style)
    : ShapesDataset(options, split, clips, std::vector<Style>{style}) {}

ShapesDataset::ShapesDataset(WorldOptions options, Split split, int64_t clips, std::vector<Style> styles)
    : world_(options), split_(split), clips_(clips), styles_(std::move(styles)) {
  if (clips_ < 1) throw ConfigError("Shapes dataset size must be at least 1, got " + std::to_string(clips_));
  if (styles_.empty()) throw ConfigError("Shapes dataset needs at least one style");
}

void ShapesDataset::checkIndex(int64_t index) const {
  if (index < 0 || index >= size())
    throw DataError("Shapes dataset (" + std::string(splitName(split_)) + "): index " + std::to_string(index) +
                    " is outside [0, " + std::to_string(size()) + ")");
}

ClipSpec ShapesDataset::specOf(int64_t index) const {
  checkIndex(index);
  return world_.spec(split_, index / static_cast<int64_t>(styles_.size()));
}

Style ShapesDataset::styleOf(int64_t index) const {
  checkIndex(index);
  return styles_[static_cast<size_t>(index % static_cast<int64_t>(styles_.size()))];
}

Sample ShapesDataset::get(int64_t index) const {
  const ClipSpec spec = specOf(index);
  Sample s;
  s.video = world_.renderFloat(spec, styleOf(index));
  s.firstFrame = s.video.select(0, 0);
  s.caption = spec.caption;
  s.index = index;
  return s;
}

}  // namespace vds
