#include "data/shapes_world.h"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "core/errors.h"
#include "core/rng.h"

namespace vds {
namespace {

// Speeds and radii are given for a 32-px frame and scale with the smaller side.
constexpr double kReferenceSize = 32.0;
constexpr double kMinSpeed = 1.0;  // px/frame at 32 px
constexpr double kMaxSpeed = 2.0;
constexpr double kMinRadiusFraction = 0.15;  // of the smaller frame side
constexpr double kMaxRadiusFraction = 0.22;
// Gap kept between a shape and the border over a default clip, so it never
// visibly touches the border (when the trip leaves room for it).
constexpr double kBorderGap = 0.5;

template <size_t N>
const char* nameAt(const std::array<const char*, N>& table, size_t i) {
  return i < N ? table[i] : "?";
}

std::string joinNames(const char* const* names, size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i) out += std::string(i ? ", " : "") + names[i];
  return out;
}

// Folds an unbounded coordinate into [lo, hi] as a point bouncing between the walls.
double reflectInto(double s, double lo, double hi) {
  const double span = hi - lo;
  if (span <= 0) return 0.5 * (lo + hi);
  double u = std::fmod(s - lo, 2.0 * span);
  if (u < 0) u += 2.0 * span;
  return lo + (u <= span ? u : 2.0 * span - u);
}

void checkRange(const char* name, int value, int lo, int hi) {
  if (value < lo || value > hi)
    throw ConfigError("world option '" + std::string(name) + "' = " + std::to_string(value) + " is outside [" +
                      std::to_string(lo) + ", " + std::to_string(hi) + "]");
}

void checkFrames(const torch::Tensor& t, const char* what, int64_t channelDim) {
  if (t.dim() != 4 || t.size(channelDim) != 3)
    throw DataError(std::string(what) + ": expected a 4-D clip with 3 channels in dimension " +
                    std::to_string(channelDim) + ", got shape " + c10::str(t.sizes()));
}

}  // namespace

const char* shapeName(ShapeKind shape) { return nameAt(kShapeNames, static_cast<size_t>(shape)); }
const char* colourName(Colour colour) { return kColours.at(static_cast<size_t>(colour)).name; }
Rgb colourRgb(Colour colour) { return kColours.at(static_cast<size_t>(colour)).rgb; }
const char* directionName(Direction direction) { return nameAt(kDirectionNames, static_cast<size_t>(direction)); }

void directionStep(Direction direction, double& dx, double& dy) {
  dx = direction == Direction::left ? -1.0 : direction == Direction::right ? 1.0 : 0.0;
  dy = direction == Direction::up ? -1.0 : direction == Direction::down ? 1.0 : 0.0;
}

const char* splitName(Split split) { return split == Split::train ? "train" : "heldout"; }

Split parseSplit(const std::string& name) {
  if (name == "train") return Split::train;
  if (name == "heldout") return Split::heldout;
  throw ConfigError("unknown split '" + name + "'; valid splits: train, heldout");
}

bool ObjectSpec::operator==(const ObjectSpec& o) const {
  if (attributes != o.attributes || speed != o.speed || radius != o.radius || positions.size() != o.positions.size())
    return false;
  for (size_t i = 0; i < positions.size(); ++i)
    if (positions[i].x != o.positions[i].x || positions[i].y != o.positions[i].y) return false;
  return true;
}

std::string captionOf(const std::vector<ObjectSpec>& objects) {
  std::string caption;
  for (const ObjectSpec& o : objects) {
    if (!caption.empty()) caption += " and ";
    caption += std::string("a ") + colourName(o.attributes.colour) + " " + shapeName(o.attributes.shape) +
               " moving " + directionName(o.attributes.direction);
  }
  return caption;
}

std::vector<ObjectAttributes> parseCaption(const std::string& caption) {
  std::istringstream in(caption);
  std::vector<std::string> words;
  for (std::string w; in >> w;) words.push_back(w);
  auto fail = [&](size_t at, const std::string& expected) -> DataError {
    const std::string got = at < words.size() ? "'" + words[at] + "'" : "the end";
    return DataError("caption '" + caption + "': expected " + expected + " at word " + std::to_string(at + 1) +
                     ", got " + got);
  };
  auto lookup = [&](size_t at, const char* const* names, size_t n, const char* what) -> size_t {
    for (size_t k = 0; k < n && at < words.size(); ++k)
      if (words[at] == names[k]) return k;
    throw fail(at, std::string("a ") + what + " (" + joinNames(names, n) + ")");
  };
  std::array<const char*, kColours.size()> colourNames{};
  for (size_t k = 0; k < kColours.size(); ++k) colourNames[k] = kColours[k].name;

  std::vector<ObjectAttributes> objects;
  size_t i = 0;
  while (true) {
    if (i >= words.size() || words[i] != "a") throw fail(i, "'a'");
    ObjectAttributes a;
    a.colour = static_cast<Colour>(lookup(i + 1, colourNames.data(), colourNames.size(), "colour"));
    a.shape = static_cast<ShapeKind>(lookup(i + 2, kShapeNames.data(), kShapeNames.size(), "shape"));
    if (i + 3 >= words.size() || words[i + 3] != "moving") throw fail(i + 3, "'moving'");
    a.direction = static_cast<Direction>(lookup(i + 4, kDirectionNames.data(), kDirectionNames.size(), "direction"));
    objects.push_back(a);
    i += 5;
    if (i == words.size()) return objects;
    if (words[i] != "and") throw fail(i, "'and' or the end");
    ++i;
  }
}

std::vector<Point> bouncingPath(Point start, Direction direction, double speed, double radius, int width, int height,
                                int frames) {
  double dx = 0, dy = 0;
  directionStep(direction, dx, dy);
  std::vector<Point> path(static_cast<size_t>(std::max(frames, 0)));
  for (int f = 0; f < frames; ++f) {
    path[static_cast<size_t>(f)] = {reflectInto(start.x + dx * speed * f, radius, width - radius),
                                    reflectInto(start.y + dy * speed * f, radius, height - radius)};
  }
  return path;
}

nlohmann::json toJson(const ClipSpec& spec) {
  nlohmann::json objects = nlohmann::json::array();
  for (const ObjectSpec& o : spec.objects) {
    nlohmann::json positions = nlohmann::json::array();
    for (const Point& p : o.positions) positions.push_back({p.x, p.y});
    objects.push_back({{"shape", shapeName(o.attributes.shape)},
                       {"colour", colourName(o.attributes.colour)},
                       {"direction", directionName(o.attributes.direction)},
                       {"speed", o.speed},
                       {"radius", o.radius},
                       {"positions", positions}});
  }
  return {{"split", splitName(spec.split)}, {"index", spec.index},   {"width", spec.width},
          {"height", spec.height},          {"frames", spec.frames}, {"caption", spec.caption},
          {"objects", objects}};
}

ShapesWorld::ShapesWorld(WorldOptions options) : options_(options) {
  checkRange("width", options_.width, kWorldMinSide, kWorldMaxSide);
  checkRange("height", options_.height, kWorldMinSide, kWorldMaxSide);
  checkRange("frames", options_.frames, 1, kWorldMaxFrames);
  checkRange("maxObjects", options_.maxObjects, 1, kWorldMaxObjects);
}

ClipSpec ShapesWorld::spec(Split split, int64_t index) const {
  if (index < 0) throw DataError("Shapes world: clip index " + std::to_string(index) + " is negative");
  Rng rng(deriveSeed(options_.seed, {tagOf("shapes-world"), tagOf(splitName(split)), static_cast<uint64_t>(index)}));
  ClipSpec clip;
  clip.width = options_.width;
  clip.height = options_.height;
  clip.frames = options_.frames;
  clip.split = split;
  clip.index = index;
  const double side = std::min(options_.width, options_.height);
  const double scale = side / kReferenceSize;

  const int count = 1 + static_cast<int>(rng.below(static_cast<uint64_t>(options_.maxObjects)));
  for (int k = 0; k < count; ++k) {
    ObjectSpec o;
    // Distinct (shape, colour) pairs keep the caption unambiguous; 30 pairs exist,
    // so rejection ends quickly.
    bool clash = true;
    while (clash) {
      o.attributes.shape = static_cast<ShapeKind>(rng.below(kShapeNames.size()));
      o.attributes.colour = static_cast<Colour>(rng.below(kColours.size()));
      clash = std::any_of(clip.objects.begin(), clip.objects.end(), [&](const ObjectSpec& p) {
        return p.attributes.shape == o.attributes.shape && p.attributes.colour == o.attributes.colour;
      });
    }
    o.attributes.direction = static_cast<Direction>(rng.below(kDirectionNames.size()));
    o.speed = rng.uniform(kMinSpeed, kMaxSpeed) * scale;
    o.radius = rng.uniform(kMinRadiusFraction, kMaxRadiusFraction) * side;

    // Start where the whole trip fits without touching a border when it can, so the
    // caption's direction is what the clip shows; otherwise anywhere (it will bounce).
    double dx = 0, dy = 0;
    directionStep(o.attributes.direction, dx, dy);
    const double travel = o.speed * (options_.frames - 1);
    auto startOnAxis = [&](double step, double extent) {
      const double lo = o.radius, hi = extent - o.radius;
      if (step == 0 || hi - lo < travel) return rng.uniform(lo, hi);
      const double gap = std::min(kBorderGap, 0.5 * (hi - lo - travel));
      return step > 0 ? rng.uniform(lo + gap, hi - travel - gap) : rng.uniform(lo + travel + gap, hi - gap);
    };
    Point start;
    start.x = startOnAxis(dx, options_.width);
    start.y = startOnAxis(dy, options_.height);
    o.positions = bouncingPath(start, o.attributes.direction, o.speed, o.radius, options_.width, options_.height,
                               options_.frames);
    clip.objects.push_back(std::move(o));
  }
  clip.caption = captionOf(clip.objects);
  return clip;
}

torch::Tensor framesToModelRange(const torch::Tensor& framesHwc) {
  checkFrames(framesHwc, "framesToModelRange", 3);
  return framesHwc.permute({0, 3, 1, 2}).to(torch::kFloat).div(127.5).sub(1.0).contiguous();
}

torch::Tensor modelRangeToFrames(const torch::Tensor& framesChw) {
  checkFrames(framesChw, "modelRangeToFrames", 1);
  return framesChw.add(1.0).mul(127.5).round().clamp(0, 255).to(torch::kUInt8).permute({0, 2, 3, 1}).contiguous();
}

torch::Tensor firstFrame(const torch::Tensor& clip) {
  if (clip.dim() < 1 || clip.size(0) < 1) throw DataError("firstFrame: the clip has no frames");
  return clip.select(0, 0).clone();
}

}  // namespace vds
