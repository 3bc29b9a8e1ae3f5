// Eval-net targets and decoding, prompt accuracy and style accuracy.
#include "core/errors.h"
#include "data/shapes_world.h"
#include "eval/labels.h"
#include "eval/metrics.h"
#include "support/test_support.h"

using vds::Colour;
using vds::Direction;
using vds::ObjectAttributes;
using vds::ShapeKind;
using vds::Style;

namespace {

// Logits that put `scale` on the target class and 0 elsewhere.
torch::Tensor oneHotLogits(const torch::Tensor& target, int64_t classes, double scale = 5.0) {
  return torch::one_hot(target, classes).to(torch::kFloat32) * scale;
}

vds::EvalNetOutput outputFromTargets(const vds::EvalNetTargets& t) {
  return {torch::zeros({t.style.size(0), 4}), oneHotLogits(t.shape, vds::kShapeClasses + 1),
          oneHotLogits(t.colour, vds::kColourClasses + 1), oneHotLogits(t.direction, vds::kDirectionClasses + 1),
          oneHotLogits(t.style, vds::kStyleClasses)};
}

vds::ClipSpec specWith(const std::vector<ObjectAttributes>& attributes) {
  vds::ClipSpec spec;
  for (const auto& a : attributes) {
    vds::ObjectSpec o;
    o.attributes = a;
    spec.objects.push_back(o);
  }
  return spec;
}

const ObjectAttributes kRedCircleLeft{ShapeKind::circle, Colour::red, Direction::left};
const ObjectAttributes kBlueSquareUp{ShapeKind::square, Colour::blue, Direction::up};

bool near(double a, double b) { return std::abs(a - b) < 1e-12; }

torch::Tensor longs(std::vector<int64_t> values) { return torch::tensor(values, torch::kInt64); }

}  // namespace

class MetricsLabelsTest : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void initTestCase() { torch::set_num_threads(1); }

  void targetsFollowCaptionOrderWithNoneForEmptySlots() {
    const auto t = vds::targetsFor({specWith({kBlueSquareUp, kRedCircleLeft}), specWith({kRedCircleLeft})},
                                   {Style::pastel, Style::plain});
    QCOMPARE(t.shape.sizes().vec(), (std::vector<int64_t>{2, 2}));
    QCOMPARE(t.shape.scalar_type(), torch::kInt64);
    QVERIFY(t.shape.equal(longs({1, 0, 0, 5}).view({2, 2})));
    QVERIFY(t.colour.equal(longs({2, 0, 0, 6}).view({2, 2})));
    QVERIFY(t.direction.equal(longs({2, 0, 0, 4}).view({2, 2})));
    QVERIFY(t.style.equal(longs({3, 0})));
    VDS_EXPECT_THROW_MSG(vds::targetsFor({specWith({kRedCircleLeft, kBlueSquareUp, kRedCircleLeft})}, {Style::plain}),
                         vds::DataError, "3 objects but the eval net has 2 slots");
    VDS_EXPECT_THROW_MSG(vds::targetsFor({specWith({kRedCircleLeft})}, {}), vds::DataError, "1 clips but 0 styles");
  }

  void oneHotLogitsDecodeBackToEveryShapesClip() {
    const vds::ShapesWorld world;
    std::vector<vds::ClipSpec> specs;
    std::vector<Style> styles;
    for (int64_t i = 0; i < 200; ++i) {
      specs.push_back(world.spec(i % 2 ? vds::Split::heldout : vds::Split::train, i));
      styles.push_back(vds::kAllStyles[static_cast<size_t>(i) % vds::kAllStyles.size()]);
    }
    const auto output = outputFromTargets(vds::targetsFor(specs, styles));
    const auto decoded = vds::decodePredictions(output);
    const auto decodedStyles = vds::decodeStyles(output);
    QCOMPARE(decoded.size(), specs.size());
    std::vector<std::vector<ObjectAttributes>> captioned;
    for (size_t i = 0; i < specs.size(); ++i) {
      captioned.push_back(vds::parseCaption(specs[i].caption));
      QVERIFY2(decoded[i] == captioned.back(), specs[i].caption.c_str());
      QVERIFY(decodedStyles[i] == styles[i]);
      QVERIFY(vds::decodePrediction(output, static_cast<int64_t>(i)) == decoded[i]);
    }
    QVERIFY(near(vds::promptAccuracy(decoded, captioned), 1.0));
  }

  void presenceIsAMajorityOfTheThreeHeads() {
    // Slot 0: only shape says "none" -> present (argmax over real classes: square);
    // slot 1: shape and colour say "none" -> absent.
    auto shape = torch::zeros({1, 2, 6}), colour = torch::zeros({1, 2, 7}), direction = torch::zeros({1, 2, 5});
    shape.index_put_({0, 0, 5}, 3.0);
    shape.index_put_({0, 0, 1}, 2.0);
    colour.index_put_({0, 0, 4}, 1.0);
    direction.index_put_({0, 0, 3}, 1.0);
    shape.index_put_({0, 1, 5}, 1.0);
    colour.index_put_({0, 1, 6}, 1.0);
    direction.index_put_({0, 1, 2}, 1.0);
    const vds::EvalNetOutput out{torch::zeros({1, 4}), shape, colour, direction, torch::zeros({1, 5})};
    const auto objects = vds::decodePrediction(out, 0);
    QCOMPARE(objects.size(), size_t(1));
    QVERIFY((objects[0] == ObjectAttributes{ShapeKind::square, Colour::purple, Direction::down}));
    VDS_EXPECT_THROW_MSG(vds::decodePrediction(out, 1), vds::DataError, "row 1 out of range");
    const vds::EvalNetOutput wrong{torch::zeros({1, 4}), torch::zeros({1, 2, 5}), colour, direction,
                                   torch::zeros({1, 5})};
    VDS_EXPECT_THROW_MSG(vds::decodePrediction(wrong, 0), vds::DataError, "'shape'");
  }

  void promptAccuracyKnownFractions() {
    const std::vector<ObjectAttributes> caption{kRedCircleLeft, kBlueSquareUp};
    // All right.
    QVERIFY(near(vds::promptAccuracy({caption}, {caption}), 1.0));
    // One of six attributes wrong (a direction).
    auto wrongDirection = caption;
    wrongDirection[1].direction = Direction::down;
    QVERIFY(near(vds::promptAccuracy({wrongDirection}, {caption}), 5.0 / 6.0));
    // Swapped slots still pair by (shape, colour).
    QVERIFY(near(vds::promptAccuracy({{kBlueSquareUp, kRedCircleLeft}}, {caption}), 1.0));
    // A missing object scores 0 of its 3.
    QVERIFY(near(vds::promptAccuracy({{kBlueSquareUp}}, {caption}), 0.5));
    QVERIFY(near(vds::promptAccuracy({{}}, {caption}), 0.0));
    // Wrong colour: no identity match, so the same slot gives partial credit (shape, direction).
    auto wrongColour = caption;
    wrongColour[0].colour = Colour::green;
    QVERIFY(near(vds::promptAccuracy({wrongColour}, {caption}), 5.0 / 6.0));
    // A predicted object pairs once: slot 0 is the blue square (paired by identity with
    // caption 1), so the red circle finds no partner.
    const ObjectAttributes greenTriangle{ShapeKind::triangle, Colour::green, Direction::right};
    QVERIFY(near(vds::promptAccuracy({{kBlueSquareUp, greenTriangle}}, {caption}), 0.5));
    // Extra predicted objects are not penalised.
    QVERIFY(near(vds::promptAccuracy({{kRedCircleLeft, greenTriangle}}, {{kRedCircleLeft}}), 1.0));
    // Clips average; clips without captioned objects are left out.
    QVERIFY(near(vds::promptAccuracy({caption, {}, wrongDirection}, {caption, {}, caption}), (1.0 + 5.0 / 6.0) / 2));
    VDS_EXPECT_THROW_MSG(vds::promptAccuracy({caption}, {}), vds::DataError, "1 predictions for 0 captions");
    VDS_EXPECT_THROW_MSG(vds::promptAccuracy({{}}, {{}}), vds::DataError, "no clip has a captioned object");
  }

  void styleAccuracyIsTheFractionOnTarget() {
    QVERIFY(near(vds::styleAccuracy({Style::plain, Style::plain, Style::pastel, Style::plain}, Style::plain), 0.75));
    QVERIFY(near(vds::styleAccuracy({Style::pixel}, Style::checker), 0.0));
    VDS_EXPECT_THROW_MSG(vds::styleAccuracy({}, Style::plain), vds::DataError, "no predictions");
  }
};

QTEST_GUILESS_MAIN(MetricsLabelsTest)
#include "test_metrics_labels.moc"
