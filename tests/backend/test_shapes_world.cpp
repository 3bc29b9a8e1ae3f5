// The Shapes world: determinism, motion that matches the caption, styles, bouncing.
#include <cmath>
#include <set>
#include <sstream>

#include "core/errors.h"
#include "data/shapes_world.h"
#include "support/test_support.h"

namespace {

using vds::ClipSpec;
using vds::ObjectSpec;
using vds::Point;
using vds::ShapesWorld;
using vds::Split;
using vds::Style;

// Measured centroids must match the spec to this many pixels.
constexpr double kCentroidTolerance = 0.5;
// Styles of the same clip must differ by at least this mean absolute level (0-255).
constexpr double kMinStyleDifference = 8.0;
// Clip 0 of the default world's train split, pinned so that a change in sampling
// (which would change every dataset and shipped model) is noticed.
constexpr const char* kGoldenCaption = "a blue cross moving up";
constexpr double kGoldenSpeed = 1.4326165460161537;

struct Vec3 {
  double r, g, b;
};

Vec3 pixelAt(const torch::Tensor& clip, int64_t f, int64_t i, int64_t j) {
  const auto p = clip[f][i][j];
  return {static_cast<double>(p[0].item<uint8_t>()), static_cast<double>(p[1].item<uint8_t>()),
          static_cast<double>(p[2].item<uint8_t>())};
}

ClipSpec emptySpec(int width, int height, int frames) {
  ClipSpec s;
  s.width = width;
  s.height = height;
  s.frames = frames;
  return s;
}

// One 32x32 frame with a single object at `centre`.
ClipSpec stillObject(vds::ShapeKind shape, vds::Colour colour, double radius, Point centre) {
  ClipSpec s = emptySpec(32, 32, 1);
  ObjectSpec o;
  o.attributes = {shape, colour, vds::Direction::left};
  o.radius = radius;
  o.positions = {centre};
  s.objects.push_back(o);
  return s;
}

// Coverage-weighted centroid of the pixels whose colour lies on the segment from
// `bg` to `colour` (anti-aliased edges are blends of the two). Returns the mass too.
Point colourCentroid(const torch::Tensor& clip, int64_t f, Vec3 bg, Vec3 colour, double* massOut = nullptr) {
  const auto frame = clip[f].to(torch::kDouble).contiguous();
  const double* px = frame.data_ptr<double>();
  const int64_t h = frame.size(0), w = frame.size(1);
  const Vec3 d{colour.r - bg.r, colour.g - bg.g, colour.b - bg.b};
  const double dd = d.r * d.r + d.g * d.g + d.b * d.b;
  double mass = 0, sx = 0, sy = 0;
  for (int64_t i = 0; i < h; ++i) {
    for (int64_t j = 0; j < w; ++j) {
      const double* p = px + (i * w + j) * 3;
      const Vec3 q{p[0] - bg.r, p[1] - bg.g, p[2] - bg.b};
      const double t = (q.r * d.r + q.g * d.g + q.b * d.b) / dd;
      const double resid = std::sqrt(std::pow(q.r - t * d.r, 2) + std::pow(q.g - t * d.g, 2) + std::pow(q.b - t * d.b, 2));
      if (t < 0.02 || resid > 12.0) continue;
      const double wgt = std::min(t, 1.0);
      mass += wgt;
      sx += wgt * (j + 0.5);
      sy += wgt * (i + 0.5);
    }
  }
  if (massOut) *massOut = mass;
  return mass > 0 ? Point{sx / mass, sy / mass} : Point{-1, -1};
}

Vec3 rgbOf(vds::Colour c) {
  const vds::Rgb v = vds::colourRgb(c);
  return {double(v.r), double(v.g), double(v.b)};
}

// True when the object never comes close to another object of the clip and no
// other object shares its colour (colour is how the test segments it).
bool isolated(const ClipSpec& s, size_t k) {
  for (size_t m = 0; m < s.objects.size(); ++m) {
    if (m == k) continue;
    if (s.objects[m].attributes.colour == s.objects[k].attributes.colour) return false;
    for (int f = 0; f < s.frames; ++f) {
      const Point a = s.objects[k].positions[f], b = s.objects[m].positions[f];
      if (std::hypot(a.x - b.x, a.y - b.y) < s.objects[k].radius + s.objects[m].radius + 2.0) return false;
    }
  }
  return true;
}

double meanAbsDiff(const torch::Tensor& a, const torch::Tensor& b) {
  return (a.to(torch::kDouble) - b.to(torch::kDouble)).abs().mean().item<double>();
}

}  // namespace

class ShapesWorldTest : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void sameKeyGivesBitIdenticalClip() {
    const ShapesWorld a(vds::WorldOptions{}), b(vds::WorldOptions{});
    for (int64_t i : {0, 1, 17, 999}) {
      const ClipSpec sa = a.spec(Split::train, i), sb = b.spec(Split::train, i);
      QCOMPARE(sa.caption, sb.caption);
      QVERIFY(sa.objects == sb.objects);
      QVERIFY(torch::equal(a.render(sa), b.render(sb)));
    }
    QVERIFY(a.spec(Split::train, 3).objects != a.spec(Split::train, 4).objects);
    QVERIFY(a.spec(Split::train, 3).objects != a.spec(Split::heldout, 3).objects);
    vds::WorldOptions other;
    other.seed = 1;
    QVERIFY(a.spec(Split::train, 3).objects != ShapesWorld(other).spec(Split::train, 3).objects);
  }

  void goldenSpecIsPortable() {
    // Pins the sampling stream: a change here changes every shipped dataset.
    const ClipSpec s = ShapesWorld(vds::WorldOptions{}).spec(Split::train, 0);
    QCOMPARE(s.caption, std::string(kGoldenCaption));
    QVERIFY(std::abs(s.objects.front().speed - kGoldenSpeed) < 1e-12);
  }

  void trainAndHeldoutNeverCoincide() {
    const ShapesWorld world(vds::WorldOptions{});
    constexpr int kCount = 300;
    std::vector<ClipSpec> train, held;
    for (int i = 0; i < kCount; ++i) {
      train.push_back(world.spec(Split::train, i));
      held.push_back(world.spec(Split::heldout, i));
    }
    for (const ClipSpec& t : train)
      for (const ClipSpec& h : held) QVERIFY(t.objects != h.objects);
  }

  void objectsAreDistinctAndCaptionsParseBack() {
    const ShapesWorld world(vds::WorldOptions{});
    std::set<size_t> counts;
    for (int i = 0; i < 500; ++i) {
      const ClipSpec s = world.spec(Split::train, i);
      counts.insert(s.objects.size());
      if (s.objects.size() == 2) {
        const auto &a = s.objects[0].attributes, &b = s.objects[1].attributes;
        QVERIFY(a.shape != b.shape || a.colour != b.colour);
      }
      const auto parsed = vds::parseCaption(s.caption);
      QCOMPARE(parsed.size(), s.objects.size());
      std::istringstream words(s.caption);
      for (size_t k = 0; k < s.objects.size(); ++k) {
        QVERIFY(parsed[k] == s.objects[k].attributes);
        std::string a, colour, shape, moving, direction, conj;
        words >> a >> colour >> shape >> moving >> direction;
        QCOMPARE(a, std::string("a"));
        QCOMPARE(colour, std::string(vds::colourName(s.objects[k].attributes.colour)));
        QCOMPARE(shape, std::string(vds::shapeName(s.objects[k].attributes.shape)));
        QCOMPARE(moving, std::string("moving"));
        QCOMPARE(direction, std::string(vds::directionName(s.objects[k].attributes.direction)));
        if (k + 1 < s.objects.size()) {
          words >> conj;
          QCOMPARE(conj, std::string("and"));
        }
      }
    }
    QVERIFY(counts == (std::set<size_t>{1, 2}));
  }

  void captionKnownAnswer() {
    std::vector<ObjectSpec> objects(2);
    objects[0].attributes = {vds::ShapeKind::circle, vds::Colour::red, vds::Direction::left};
    objects[1].attributes = {vds::ShapeKind::square, vds::Colour::blue, vds::Direction::up};
    QCOMPARE(vds::captionOf(objects), std::string("a red circle moving left and a blue square moving up"));
    VDS_EXPECT_THROW_MSG(vds::parseCaption("a red circle moving sideways"), vds::DataError, "sideways");
    VDS_EXPECT_THROW_MSG(vds::parseCaption("a red circle moving left and"), vds::DataError, "the end");
  }

  void plainRenderKnownAnswer() {
    const ClipSpec s = stillObject(vds::ShapeKind::square, vds::Colour::red, 8, {16, 16});
    const auto clip = ShapesWorld(vds::WorldOptions{}).render(s);
    QCOMPARE(clip.sizes(), (torch::IntArrayRef{1, 32, 32, 3}));
    QCOMPARE(clip.scalar_type(), torch::kUInt8);
    const Vec3 centre = pixelAt(clip, 0, 16, 16), corner = pixelAt(clip, 0, 0, 0);
    QCOMPARE(centre.r, 230.0);
    QCOMPARE(centre.g, 45.0);
    QCOMPARE(centre.b, 45.0);
    QCOMPARE(corner.r, 16.0);
    QCOMPARE(corner.b, 24.0);
    // Square of half side 0.85 * 8 = 6.8 px: columns 10-21 are fully covered, 9 and 22 partly.
    QCOMPARE(pixelAt(clip, 0, 16, 10).r, 230.0);
    const double edge = pixelAt(clip, 0, 16, 9).r;
    QVERIFY(edge > 16.0 && edge < 230.0);
    QCOMPARE(pixelAt(clip, 0, 16, 8).r, 16.0);
  }

  void floatLayoutAndRange() {
    const ShapesWorld world(vds::WorldOptions{});
    const ClipSpec s = world.spec(Split::train, 2);
    const auto u8 = world.render(s);
    const auto f = world.renderFloat(s);
    QCOMPARE(f.sizes(), (torch::IntArrayRef{8, 3, 32, 32}));
    QVERIFY(f.min().item<float>() >= -1.0f && f.max().item<float>() <= 1.0f);
    QVERIFY(std::abs(f[1][2][5][7].item<float>() - (u8[1][5][7][2].item<uint8_t>() / 127.5f - 1.0f)) < 1e-6f);
    QVERIFY(torch::equal(vds::modelRangeToFrames(f), u8));
    QVERIFY(torch::equal(vds::firstFrame(u8), u8[0]));
  }

  void motionMatchesCaptionAndSpec() {
    const ShapesWorld world(vds::WorldOptions{});
    const Vec3 bg = [&] {
      const auto empty = world.render(emptySpec(32, 32, 1));
      return pixelAt(empty, 0, 0, 0);
    }();
    int checked = 0;
    for (int i = 0; i < 250; ++i) {
      const ClipSpec s = world.spec(Split::train, i);
      const auto clip = world.render(s);
      for (size_t k = 0; k < s.objects.size(); ++k) {
        const ObjectSpec& o = s.objects[k];
        double dx = 0, dy = 0;
        vds::directionStep(o.attributes.direction, dx, dy);
        // With default settings the trip never touches a border: the spec is a straight line.
        const Point first = o.positions.front(), last = o.positions.back();
        const double travel = o.speed * (s.frames - 1);
        QVERIFY(std::abs(last.x - first.x - dx * travel) < 1e-9 && std::abs(last.y - first.y - dy * travel) < 1e-9);
        if (!isolated(s, k)) continue;
        ++checked;
        std::vector<Point> measured;
        for (int f = 0; f < s.frames; ++f) {
          measured.push_back(colourCentroid(clip, f, bg, rgbOf(o.attributes.colour)));
          const Point want = o.positions[f];
          QVERIFY2(std::abs(measured[f].x - want.x) < kCentroidTolerance &&
                       std::abs(measured[f].y - want.y) < kCentroidTolerance,
                   qPrintable(QString("clip %1 '%2' frame %3: measured (%4, %5), spec (%6, %7)")
                                  .arg(i).arg(s.caption.c_str()).arg(f).arg(measured[f].x).arg(measured[f].y)
                                  .arg(want.x).arg(want.y)));
        }
        const double mx = measured.back().x - measured.front().x, my = measured.back().y - measured.front().y;
        // Displacement along the captioned direction is about speed * (F - 1), across it about zero.
        QVERIFY(std::abs(mx * dx + my * dy - travel) < kCentroidTolerance);
        QVERIFY(std::abs(mx * dy + my * dx) < kCentroidTolerance);
      }
    }
    QVERIFY2(checked > 100, qPrintable(QString("only %1 isolated objects").arg(checked)));
  }

  void longClipsBounceInsideTheFrame() {
    vds::WorldOptions opts;
    opts.frames = 64;
    opts.maxObjects = 1;
    const ShapesWorld world(opts);
    const Vec3 bg = pixelAt(world.render(emptySpec(32, 32, 1)), 0, 0, 0);
    for (int i = 0; i < 20; ++i) {
      const ClipSpec s = world.spec(Split::train, i);
      const ObjectSpec& o = s.objects.front();
      double dx = 0, dy = 0;
      vds::directionStep(o.attributes.direction, dx, dy);
      int reversals = 0;
      for (int f = 0; f < s.frames; ++f) {
        const Point p = o.positions[f];
        QVERIFY(p.x >= o.radius - 1e-9 && p.x <= s.width - o.radius + 1e-9);
        QVERIFY(p.y >= o.radius - 1e-9 && p.y <= s.height - o.radius + 1e-9);
        if (f == 0 || f + 1 == s.frames) continue;
        const double before = (p.x - o.positions[f - 1].x) * dx + (p.y - o.positions[f - 1].y) * dy;
        const double after = (o.positions[f + 1].x - p.x) * dx + (o.positions[f + 1].y - p.y) * dy;
        if (before * after < 0) {
          ++reversals;
          // A reversal happens within one step of a wall.
          const double along = p.x * std::abs(dx) + p.y * std::abs(dy);
          const double extent = dx != 0 ? s.width : s.height;
          QVERIFY(std::min(along - o.radius, extent - o.radius - along) <= o.speed + 1e-9);
        }
      }
      QVERIFY2(reversals >= 1, qPrintable(QString("clip %1 never bounced").arg(i)));
      // The shape never leaves the frame: its rendered area stays nearly constant (4x4
      // supersampling quantises straight edges to 1/4 px, a few percent of a small shape).
      const auto clip = world.render(s);
      double lo = 1e9, hi = 0;
      for (int f = 0; f < s.frames; ++f) {
        double mass = 0;
        colourCentroid(clip, f, bg, rgbOf(o.attributes.colour), &mass);
        lo = std::min(lo, mass);
        hi = std::max(hi, mass);
      }
      QVERIFY2(lo > 0.9 * hi, qPrintable(QString("clip %1 area %2..%3").arg(i).arg(lo).arg(hi)));
    }
  }

  void stylesDifferPairwise() {
    const ShapesWorld world(vds::WorldOptions{});
    for (int i = 0; i < 10; ++i) {
      const ClipSpec s = world.spec(Split::train, i);
      std::vector<torch::Tensor> renders;
      for (Style st : vds::kAllStyles) renders.push_back(world.render(s, st));
      for (size_t a = 0; a < renders.size(); ++a)
        for (size_t b = a + 1; b < renders.size(); ++b)
          QVERIFY2(meanAbsDiff(renders[a], renders[b]) > kMinStyleDifference,
                   qPrintable(QString("%1 vs %2 on clip %3")
                                  .arg(vds::styleName(vds::kAllStyles[a]), vds::styleName(vds::kAllStyles[b]))
                                  .arg(i)));
    }
    const ClipSpec empty = emptySpec(32, 32, 1);
    QVERIFY(meanAbsDiff(world.render(empty, Style::plain), world.render(empty, Style::pastel)) > 100.0);
  }

  void pixelStyleIsBlocky() {
    const ShapesWorld world(vds::WorldOptions{});
    for (int i = 0; i < 10; ++i) {
      const auto clip = world.render(world.spec(Split::train, i), Style::pixel);
      const auto blocks = clip.view({8, 8, 4, 8, 4, 3});
      const auto corners = blocks.select(4, 0).select(2, 0).unsqueeze(2).unsqueeze(4);
      QVERIFY(torch::equal(blocks, corners.expand_as(blocks)));
      QVERIFY(std::get<0>(at::_unique(clip.view({-1, 3}).select(1, 0))).numel() > 1);
    }
  }

  void outlineIsHollowAndCheckerHasTwoShades() {
    const ClipSpec s = stillObject(vds::ShapeKind::circle, vds::Colour::green, 7, {16.0, 15.5});
    const ShapesWorld world(vds::WorldOptions{});
    const Vec3 bg = pixelAt(world.render(emptySpec(32, 32, 1), Style::outline), 0, 0, 0);
    const auto outline = world.render(s, Style::outline);
    const Vec3 centre = pixelAt(outline, 0, 15, 16);
    QCOMPARE(centre.g, bg.g);
    QCOMPARE(pixelAt(outline, 0, 15, 9).g, 200.0);  // fully on the ring, 6.1-6.9 px from the centre
    const auto checker = world.render(s, Style::checker);
    std::set<int> greens;
    for (int i = 12; i < 20; ++i)
      for (int j = 12; j < 20; ++j) greens.insert(static_cast<int>(pixelAt(checker, 0, i, j).g));
    QVERIFY(greens.count(200) == 1 && greens.count(100) == 1);
  }

  void styleNamesRoundTrip() {
    for (Style s : vds::kAllStyles) QVERIFY(vds::parseStyle(vds::styleName(s)) == s);
    VDS_EXPECT_THROW_MSG(vds::parseStyle("neon"), vds::ConfigError, "neon");
    VDS_EXPECT_THROW_MSG(vds::parseStyle("neon"), vds::ConfigError, "plain, outline, checker, pastel, pixel");
    VDS_EXPECT_THROW_MSG(vds::parseSplit("test"), vds::ConfigError, "heldout");
    vds::WorldOptions bad;
    bad.frames = 0;
    VDS_EXPECT_THROW_MSG(ShapesWorld{bad}, vds::ConfigError, "frames");
  }
};

QTEST_GUILESS_MAIN(ShapesWorldTest)
#include "test_shapes_world.moc"
