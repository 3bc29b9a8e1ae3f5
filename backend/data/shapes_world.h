// The Shapes world: a procedural text-to-video dataset (ARCHITECTURE.md §5).
// A clip shows one or more coloured shapes, each moving in a straight line and
// bouncing off the borders, with a caption such as
// "a red circle moving left and a blue square moving up".
//
// Every clip is a pure function of (seed, split, index): the scene description
// (ClipSpec) is sampled from a vds::Rng seeded by
//   deriveSeed(seed, {tagOf("shapes-world"), tagOf(<split name>), index}).
// The train and held-out splits therefore draw from two independent streams of the
// same distribution; a held-out clip is never a copy of a training clip (the scene
// parameters are continuous, so a coincidence has probability ~0).
#pragma once
#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "data/shape_styles.h"

namespace vds {

// ---- Vocabulary -----------------------------------------------------------
// The words of the world, shared by the renderer, the tokenizer and the eval net.
// The enum values index the tables below; never reorder them (shipped models
// depend on the order).

enum class ShapeKind : uint8_t { circle, square, triangle, diamond, cross };
enum class Colour : uint8_t { red, green, blue, yellow, purple, white };
enum class Direction : uint8_t { left, right, up, down };

struct Rgb {
  uint8_t r, g, b;
};

struct ColourEntry {
  const char* name;
  Rgb rgb;  // the colour in the plain style
};

inline constexpr std::array<const char*, 5> kShapeNames = {"circle", "square", "triangle", "diamond", "cross"};
inline constexpr std::array<ColourEntry, 6> kColours = {{
    {"red", {230, 45, 45}},
    {"green", {40, 200, 70}},
    {"blue", {50, 100, 245}},
    {"yellow", {245, 215, 40}},
    {"purple", {165, 65, 225}},
    {"white", {240, 240, 240}},
}};
inline constexpr std::array<const char*, 4> kDirectionNames = {"left", "right", "up", "down"};

const char* shapeName(ShapeKind shape);
const char* colourName(Colour colour);
Rgb colourRgb(Colour colour);
const char* directionName(Direction direction);
// Unit step of a direction in image coordinates (x right, y down).
void directionStep(Direction direction, double& dx, double& dy);

// ---- Scene description ------------------------------------------------------

enum class Split { train, heldout };
const char* splitName(Split split);
Split parseSplit(const std::string& name);  // ConfigError listing the valid names

struct Point {
  double x = 0, y = 0;  // pixels; the pixel (row i, column j) covers [j, j+1) x [i, i+1)
};

// What a caption says about one object.
struct ObjectAttributes {
  ShapeKind shape = ShapeKind::circle;
  Colour colour = Colour::red;
  Direction direction = Direction::left;
  bool operator==(const ObjectAttributes& o) const {
    return shape == o.shape && colour == o.colour && direction == o.direction;
  }
  bool operator!=(const ObjectAttributes& o) const { return !(*this == o); }
};

struct ObjectSpec {
  ObjectAttributes attributes;
  double speed = 0;              // pixels per frame
  double radius = 0;             // the shape fits in [centre - radius, centre + radius] on both axes
  std::vector<Point> positions;  // centroid per frame, after bouncing
  bool operator==(const ObjectSpec& o) const;
  bool operator!=(const ObjectSpec& o) const { return !(*this == o); }
};

struct ClipSpec {
  int width = 32, height = 32, frames = 8;
  Split split = Split::train;
  int64_t index = 0;
  std::vector<ObjectSpec> objects;  // in draw order, which is also caption order
  std::string caption;
};

// "a red circle moving left and a blue square moving up" (objects in draw order).
std::string captionOf(const std::vector<ObjectSpec>& objects);
// The inverse of captionOf; DataError naming the caption and the word at fault.
std::vector<ObjectAttributes> parseCaption(const std::string& caption);

// Positions of a point that starts at `start` and moves `speed` px/frame along
// `direction`, reflecting off [radius, size - radius] on each axis.
std::vector<Point> bouncingPath(Point start, Direction direction, double speed, double radius, int width,
                                int height, int frames);

// The structured description for captions.json and run records.
nlohmann::json toJson(const ClipSpec& spec);

// ---- The world ----------------------------------------------------------------

// uint8 [F, H, W, 3] -> float [F, 3, H, W] in [-1, 1] (0 -> -1, 255 -> 1).
torch::Tensor framesToModelRange(const torch::Tensor& framesHwc);
// The inverse, rounding and clamping: float [F, 3, H, W] -> uint8 [F, H, W, 3].
torch::Tensor modelRangeToFrames(const torch::Tensor& framesChw);
// Frame 0 of a clip in either layout: the image-to-video condition.
torch::Tensor firstFrame(const torch::Tensor& clip);

// Bounds on WorldOptions: below 8 px a shape is a blob; more than 4 objects crowd
// a 32-px frame; the upper limits only guard against typos.
inline constexpr int kWorldMinSide = 8;
inline constexpr int kWorldMaxSide = 4096;
inline constexpr int kWorldMaxFrames = 100000;
inline constexpr int kWorldMaxObjects = 4;

struct WorldOptions {
  int width = 32, height = 32, frames = 8;
  int maxObjects = 2;  // each clip has 1..maxObjects objects with distinct (shape, colour)
  uint64_t seed = 0;
};

class ShapesWorld {
 public:
  // ConfigError naming the option when a size or count is out of range.
  explicit ShapesWorld(WorldOptions options = {});
  const WorldOptions& options() const { return options_; }

  // The scene of clip `index` (>= 0) of `split`; deterministic.
  ClipSpec spec(Split split, int64_t index) const;
  // uint8 [F, H, W, 3].
  torch::Tensor render(const ClipSpec& spec, Style style = Style::plain) const { return renderClip(spec, style); }
  // float [F, 3, H, W] in [-1, 1], the layout the models consume.
  torch::Tensor renderFloat(const ClipSpec& spec, Style style = Style::plain) const {
    return framesToModelRange(renderClip(spec, style));
  }

 private:
  WorldOptions options_;
};

}  // namespace vds
