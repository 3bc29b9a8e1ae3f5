#include "train/method.h"

#include "core/errors.h"
#include "data/shape_styles.h"
#include "data/video_folder.h"

namespace vds {

WorldOptions worldOptionsFrom(const Config& config) {
  WorldOptions w;
  w.width = w.height = static_cast<int>(config.get<int64_t>("data.size"));
  w.frames = static_cast<int>(config.get<int64_t>("data.frames"));
  w.maxObjects = static_cast<int>(config.get<int64_t>("data.max_objects"));
  w.seed = config.get<uint64_t>("run.seed");
  return w;
}

int64_t clipsFor(const Config& config, Split split) {
  // The held-out split is for previews and evaluation: a fixed, smaller set.
  constexpr int64_t kHeldOutClips = 1024;
  return split == Split::train ? config.get<int64_t>("data.clips") : kHeldOutClips;
}

std::shared_ptr<const ClipDataset> Method::makeDataset(const Config& config, Split split) const {
  if (config.get<std::string>("data.source") == "video_folder") return openVideoFolderDataset(config, split);
  return std::make_shared<ShapesDataset>(worldOptionsFrom(config), split, clipsFor(config, split),
                                         parseStyle(config.get<std::string>("data.style")));
}

}  // namespace vds
