#include "data/shape_styles.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "core/errors.h"
#include "data/shapes_world.h"

namespace vds {
namespace {

// Samples per pixel along each axis: 4x4 = 16 coverage levels is smooth enough
// at 32 px and keeps a clip well under a millisecond.
constexpr int kSupersample = 4;
// Stroke widths, soft edges and checker cells are given for a 32-px frame and
// scale with the frame, so a style looks the same at every resolution.
constexpr double kReferenceSize = 32.0;
constexpr double kOutlineWidth = 1.5;
constexpr double kPastelSoftness = 2.0;    // width of the linear edge ramp
constexpr double kPastelWhiteMix = 0.5;    // fraction of white mixed into each colour
constexpr double kCheckerCell = 3.0;       // cell side; 3-5 cells across an object
constexpr double kCheckerDarkShade = 0.5;  // the second checker colour is this much darker
// The pixel style renders at 1/4 resolution and upscales by repetition.
constexpr int kPixelDownscale = 4;

// Shape proportions relative to the object's radius; every shape stays inside
// [-radius, radius] on both axes so that border tests can use the radius alone.
constexpr double kSquareHalfSide = 0.85;
constexpr double kCrossArmHalfWidth = 0.34;
constexpr double kSqrt3Over2 = 0.86602540378443864676;
constexpr double kInvSqrt2 = 0.70710678118654752440;

enum class Fill { solid, outline, checker, soft };

struct StyleParams {
  const char* name;
  const char* description;
  Rgb background;
  Fill fill;
  double whiteMix;  // 0 keeps the vocabulary colour
  int downscale;    // 1 = full resolution
  bool hardEdges;   // coverage thresholded at one half (no anti-aliasing)
};

// Indexed by Style.
constexpr std::array<StyleParams, kAllStyles.size()> kStyleParams = {{
    {"plain", "filled shapes on a dark background (the real video data)", {16, 16, 24}, Fill::solid, 0.0, 1, false},
    {"outline", "only a thin outline of each shape in its colour", {8, 10, 14}, Fill::outline, 0.0, 1, false},
    {"checker", "shapes filled with a checkerboard of their colour and a darker shade, on light grey",
     {200, 200, 200}, Fill::checker, 0.0, 1, false},
    {"pastel", "light desaturated colours with soft edges on a pale background", {222, 214, 198}, Fill::soft,
     kPastelWhiteMix, 1, false},
    {"pixel", "blocky pixel art rendered at a quarter of the resolution", {36, 40, 60}, Fill::solid, 0.0,
     kPixelDownscale, true},
}};

const StyleParams& paramsOf(Style style) { return kStyleParams.at(static_cast<size_t>(style)); }

// Exact signed distance to an axis-aligned box of half sizes (hx, hy).
double boxDistance(double x, double y, double hx, double hy) {
  const double qx = std::abs(x) - hx, qy = std::abs(y) - hy;
  const double ox = std::max(qx, 0.0), oy = std::max(qy, 0.0);
  const double outside = std::sqrt(ox * ox + oy * oy);
  return outside + std::min(std::max(qx, qy), 0.0);
}

// Signed distance (negative inside) from the object's centre offset (x, y).
// Exact inside every shape (the outline needs that); outside the polygons it may
// underestimate near corners, which only rounds the soft edge slightly.
double shapeDistance(ShapeKind shape, double x, double y, double r) {
  switch (shape) {
    case ShapeKind::circle:
      return std::sqrt(x * x + y * y) - r;
    case ShapeKind::square:
      return boxDistance(x, y, kSquareHalfSide * r, kSquareHalfSide * r);
    case ShapeKind::diamond:
      return (std::abs(x) + std::abs(y) - r) * kInvSqrt2;
    case ShapeKind::cross: {
      const double arm = kCrossArmHalfWidth * r;
      return std::min(boxDistance(x, y, r, arm), boxDistance(x, y, arm, r));
    }
    case ShapeKind::triangle: {
      // Equilateral, pointing up, circumradius r about its centroid: its three
      // edges lie at the inradius r/2 from the centre (y grows downwards).
      const double inradius = 0.5 * r;
      const double bottom = y - inradius;
      const double upperLeft = -kSqrt3Over2 * x - 0.5 * y - inradius;
      const double upperRight = kSqrt3Over2 * x - 0.5 * y - inradius;
      return std::max(bottom, std::max(upperLeft, upperRight));
    }
  }
  return 1.0;
}

struct ObjectPaint {
  double r, g, b;           // main colour
  double dr, dg, db;        // checker's dark shade
};

ObjectPaint paintFor(Colour colour, const StyleParams& params) {
  const Rgb rgb = colourRgb(colour);
  const double mix = params.whiteMix;
  ObjectPaint p{};
  p.r = rgb.r * (1.0 - mix) + 255.0 * mix;
  p.g = rgb.g * (1.0 - mix) + 255.0 * mix;
  p.b = rgb.b * (1.0 - mix) + 255.0 * mix;
  p.dr = p.r * kCheckerDarkShade;
  p.dg = p.g * kCheckerDarkShade;
  p.db = p.b * kCheckerDarkShade;
  return p;
}

// Every shape distance is 1-Lipschitz, so within a pixel it differs from its value
// at the pixel centre by at most half the pixel diagonal.
constexpr double kHalfPixelDiagonal = 0.7072;

// Whether the style's weight is the same for every sample of a pixel whose centre
// has distance d0; if so, sets `weight`. Saves the 16 samples for most pixels.
bool uniformWeight(Fill fill, double d0, double stroke, double softness, double& weight) {
  const double lo = d0 - kHalfPixelDiagonal, hi = d0 + kHalfPixelDiagonal;
  switch (fill) {
    case Fill::solid:
    case Fill::checker:
      if (lo > 0) {
        weight = 0;
        return true;
      }
      if (hi <= 0) {
        weight = 1;
        return true;
      }
      return false;
    case Fill::outline:
      if (lo > 0 || hi < -stroke) {
        weight = 0;
        return true;
      }
      if (lo >= -stroke && hi <= 0) {
        weight = 1;
        return true;
      }
      return false;
    case Fill::soft:
      if (lo >= 0.5 * softness) {
        weight = 0;
        return true;
      }
      if (hi <= -0.5 * softness) {
        weight = 1;
        return true;
      }
      return false;
  }
  return false;
}

// A float RGB canvas at the style's working resolution.
struct Canvas {
  int width, height;
  std::vector<float> rgb;
  void clear(Rgb c) {
    for (size_t i = 0; i < rgb.size(); i += 3) {
      rgb[i] = c.r;
      rgb[i + 1] = c.g;
      rgb[i + 2] = c.b;
    }
  }
};

// Composites one object at `centre` (canvas pixels) over the canvas. `unit` is the
// size of a 32-px-reference pixel in canvas pixels.
void drawObject(Canvas& canvas, const ObjectSpec& object, Point centre, double radius, double unit,
                const StyleParams& params) {
  const ObjectPaint paint = paintFor(object.attributes.colour, params);
  const ShapeKind shape = object.attributes.shape;
  const double stroke = kOutlineWidth * unit;
  const double softness = kPastelSoftness * unit;
  const double cell = kCheckerCell * unit;
  const double reach = radius + softness + 1.0;  // the soft edge extends past the radius
  const int x0 = std::max(0, static_cast<int>(std::floor(centre.x - reach)));
  const int x1 = std::min(canvas.width - 1, static_cast<int>(std::floor(centre.x + reach)));
  const int y0 = std::max(0, static_cast<int>(std::floor(centre.y - reach)));
  const int y1 = std::min(canvas.height - 1, static_cast<int>(std::floor(centre.y + reach)));
  constexpr double kStep = 1.0 / kSupersample;
  constexpr double kSampleWeight = 1.0 / (kSupersample * kSupersample);

  for (int i = y0; i <= y1; ++i) {
    for (int j = x0; j <= x1; ++j) {
      double coverage = 0, r = 0, g = 0, b = 0;
      double uniform = 0;
      const double d0 = shapeDistance(shape, j + 0.5 - centre.x, i + 0.5 - centre.y, radius);
      const bool isUniform = uniformWeight(params.fill, d0, stroke, softness, uniform);
      if (isUniform && uniform == 0) continue;
      // A checker pixel fully inside still needs its samples for the cell colours.
      const bool sample = !isUniform || params.fill == Fill::checker;
      if (!sample) {
        coverage = uniform * kSupersample * kSupersample;
        r = coverage * paint.r;
        g = coverage * paint.g;
        b = coverage * paint.b;
      }
      for (int sy = 0; sample && sy < kSupersample; ++sy) {
        const double ly = i + (sy + 0.5) * kStep - centre.y;
        for (int sx = 0; sx < kSupersample; ++sx) {
          const double lx = j + (sx + 0.5) * kStep - centre.x;
          const double d = isUniform ? -1.0 : shapeDistance(shape, lx, ly, radius);
          double w = 0;
          bool dark = false;
          switch (params.fill) {
            case Fill::solid:
              w = d <= 0 ? 1.0 : 0.0;
              break;
            case Fill::outline:
              w = (d <= 0 && d >= -stroke) ? 1.0 : 0.0;
              break;
            case Fill::checker:
              w = d <= 0 ? 1.0 : 0.0;
              // Cells are anchored to the object so the texture travels with it.
              dark = ((static_cast<int64_t>(std::floor(lx / cell)) + static_cast<int64_t>(std::floor(ly / cell))) &
                      1) != 0;
              break;
            case Fill::soft:
              w = std::clamp(0.5 - d / softness, 0.0, 1.0);
              break;
          }
          coverage += w;
          r += w * (dark ? paint.dr : paint.r);
          g += w * (dark ? paint.dg : paint.g);
          b += w * (dark ? paint.db : paint.b);
        }
      }
      if (coverage <= 0) continue;
      coverage *= kSampleWeight;
      r *= kSampleWeight;
      g *= kSampleWeight;
      b *= kSampleWeight;
      if (params.hardEdges) {
        if (coverage < 0.5) continue;
        r /= coverage;
        g /= coverage;
        b /= coverage;
        coverage = 1.0;
      }
      // Premultiplied "over": the accumulated colour already carries the coverage.
      float* px = &canvas.rgb[(static_cast<size_t>(i) * canvas.width + j) * 3];
      const double keep = 1.0 - coverage;
      px[0] = static_cast<float>(px[0] * keep + r);
      px[1] = static_cast<float>(px[1] * keep + g);
      px[2] = static_cast<float>(px[2] * keep + b);
    }
  }
}

uint8_t toByte(float v) { return static_cast<uint8_t>(std::lround(std::clamp(v, 0.0f, 255.0f))); }

}  // namespace

const char* styleName(Style style) { return paramsOf(style).name; }
const char* styleDescription(Style style) { return paramsOf(style).description; }

Style parseStyle(const std::string& name) {
  for (Style s : kAllStyles)
    if (name == styleName(s)) return s;
  std::string valid;
  for (Style s : kAllStyles) valid += std::string(valid.empty() ? "" : ", ") + styleName(s);
  throw ConfigError("unknown style '" + name + "'; valid styles: " + valid);
}

torch::Tensor renderClip(const ClipSpec& spec, Style style) {
  if (spec.width <= 0 || spec.height <= 0 || spec.frames <= 0)
    throw DataError("renderClip: empty clip " + std::to_string(spec.frames) + "x" + std::to_string(spec.height) +
                    "x" + std::to_string(spec.width));
  for (const ObjectSpec& o : spec.objects)
    if (static_cast<int>(o.positions.size()) != spec.frames)
      throw DataError("renderClip: an object of clip " + std::to_string(spec.index) + " has " +
                      std::to_string(o.positions.size()) + " positions for " + std::to_string(spec.frames) +
                      " frames");
  const StyleParams& params = paramsOf(style);
  const int ds = params.downscale;
  Canvas canvas{(spec.width + ds - 1) / ds, (spec.height + ds - 1) / ds, {}};
  canvas.rgb.resize(static_cast<size_t>(canvas.width) * canvas.height * 3);
  const double unit = std::min(spec.width, spec.height) / kReferenceSize / ds;

  auto out = torch::empty({spec.frames, spec.height, spec.width, 3}, torch::kUInt8);
  uint8_t* dst = out.data_ptr<uint8_t>();
  const size_t frameBytes = static_cast<size_t>(spec.height) * spec.width * 3;
  for (int f = 0; f < spec.frames; ++f) {
    canvas.clear(params.background);
    for (const ObjectSpec& o : spec.objects) {
      const Point p = o.positions[static_cast<size_t>(f)];
      drawObject(canvas, o, Point{p.x / ds, p.y / ds}, o.radius / ds, unit, params);
    }
    uint8_t* frame = dst + f * frameBytes;
    for (int i = 0; i < spec.height; ++i) {
      const float* row = &canvas.rgb[static_cast<size_t>(i / ds) * canvas.width * 3];
      for (int j = 0; j < spec.width; ++j) {
        const float* px = row + static_cast<size_t>(j / ds) * 3;
        uint8_t* o = frame + (static_cast<size_t>(i) * spec.width + j) * 3;
        o[0] = toByte(px[0]);
        o[1] = toByte(px[1]);
        o[2] = toByte(px[2]);
      }
    }
  }
  return out;
}

}  // namespace vds
