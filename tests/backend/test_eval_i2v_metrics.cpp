// The image-to-video metrics on hand-made inputs: motion-direction accuracy and the other
// attribute accuracies (pairing, pooling over objects, missing objects) and first-frame PSNR (the cap for identical
// frames, a known MSE, shape errors), and the report fields that carry them.
#include <cmath>

#include "core/errors.h"
#include "core/rng.h"
#include "eval/metrics.h"
#include "support/test_support.h"

using vds::Colour;
using vds::Direction;
using vds::ObjectAttributes;
using vds::ShapeKind;

namespace {

ObjectAttributes object(ShapeKind shape, Colour colour, Direction direction) { return {shape, colour, direction}; }

}  // namespace

class EvalI2VMetricsTest : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void initTestCase() { torch::set_num_threads(1); }

  void directionAccuracyPairsAndPoolsObjects() {
    const auto redCircleLeft = object(ShapeKind::circle, Colour::red, Direction::left);
    const auto blueSquareUp = object(ShapeKind::square, Colour::blue, Direction::up);
    // Clip 0: both objects right, in the other slot order (paired by identity).
    // Clip 1: one object, moving the wrong way. Clip 2: one object missing.
    const std::vector<std::vector<ObjectAttributes>> captioned = {
        {redCircleLeft, blueSquareUp}, {redCircleLeft}, {redCircleLeft, blueSquareUp}};
    const std::vector<std::vector<ObjectAttributes>> predicted = {
        {blueSquareUp, redCircleLeft}, {object(ShapeKind::circle, Colour::red, Direction::right)}, {redCircleLeft}};
    // Pooled: 5 captioned objects, 3 right (2 in clip 0, 1 in clip 2).
    QCOMPARE(vds::attributeAccuracy(predicted, captioned).direction, 3.0 / 5.0);
    // Position pairing: a wrong-coloured object in slot 0 still has its direction judged.
    QCOMPARE(vds::attributeAccuracy({{object(ShapeKind::circle, Colour::green, Direction::left)}}, {{redCircleLeft}})
                 .direction,
             1.0);
    QCOMPARE(vds::attributeAccuracy({{}}, {{redCircleLeft}}).direction, 0.0);
    QVERIFY_THROWS_EXCEPTION(vds::DataError, vds::attributeAccuracy({{}}, {}));
    QVERIFY_THROWS_EXCEPTION(vds::DataError, vds::attributeAccuracy({{}}, {{}}));
  }

  // The same clips as above, attribute by attribute: 5 captioned objects; clip 0 is all
  // right, clip 1's circle has the wrong direction, clip 2's square is missing (wrong in
  // all three). Object counts agree in clips 0 and 1, and in the empty clip 3, not in 2 or 4.
  void attributeAccuracyCountsEachAttributeOverObjects() {
    const auto redCircleLeft = object(ShapeKind::circle, Colour::red, Direction::left);
    const auto blueSquareUp = object(ShapeKind::square, Colour::blue, Direction::up);
    const std::vector<std::vector<ObjectAttributes>> captioned = {
        {redCircleLeft, blueSquareUp}, {redCircleLeft}, {redCircleLeft, blueSquareUp}, {}, {}};
    const std::vector<std::vector<ObjectAttributes>> predicted = {
        {blueSquareUp, redCircleLeft},
        {object(ShapeKind::circle, Colour::red, Direction::right)},
        {redCircleLeft},
        {},
        {blueSquareUp}};
    const auto a = vds::attributeAccuracy(predicted, captioned);
    QCOMPARE(a.shape, 4.0 / 5.0);
    QCOMPARE(a.colour, 4.0 / 5.0);
    QCOMPARE(a.direction, 3.0 / 5.0);
    QCOMPARE(a.objectCount, 3.0 / 5.0);
    // Position pairing: a green circle where a red one was asked for has the right shape and
    // direction but the wrong colour.
    const auto b = vds::attributeAccuracy({{object(ShapeKind::circle, Colour::green, Direction::left)}},
                                          {{redCircleLeft}});
    QCOMPARE(b.shape, 1.0);
    QCOMPARE(b.colour, 0.0);
    QCOMPARE(b.direction, 1.0);
    QCOMPARE(b.objectCount, 1.0);
    QVERIFY_THROWS_EXCEPTION(vds::DataError, vds::attributeAccuracy({{}}, {{}}));
    QVERIFY_THROWS_EXCEPTION(vds::DataError, vds::attributeAccuracy({}, {{redCircleLeft}}));
  }

  // With one captioned object per clip, the per-clip fraction of promptAccuracy is that
  // object's score / 3, so promptAccuracy is the mean of the three attribute accuracies.
  void oneObjectPerClipMakesPromptAccuracyTheMeanOfTheAttributes() {
    std::vector<std::vector<ObjectAttributes>> captioned, predicted;
    for (int i = 0; i < 12; ++i) {
      const auto want = object(static_cast<ShapeKind>(i % 3), static_cast<Colour>(i % 4), static_cast<Direction>(i % 2));
      auto got = want;
      if (i % 3 == 0) got.colour = static_cast<Colour>((i + 1) % 4);
      if (i % 4 == 1) got.direction = static_cast<Direction>((i + 1) % 2);
      if (i % 5 == 2) got.shape = static_cast<ShapeKind>((i + 1) % 3);
      captioned.push_back({want});
      predicted.push_back(i == 11 ? std::vector<ObjectAttributes>{} : std::vector<ObjectAttributes>{got});
    }
    const auto a = vds::attributeAccuracy(predicted, captioned);
    QVERIFY(a.shape < 1 && a.colour < 1 && a.direction < 1);
    QVERIFY(std::abs(vds::promptAccuracy(predicted, captioned) - (a.shape + a.colour + a.direction) / 3) < 1e-12);
  }

  void psnrOfIdenticalFramesIsTheCap() {
    const auto videos = at::rand({3, 4, 3, 8, 8}, vds::makeGenerator(1)) * 2 - 1;
    QCOMPARE(vds::firstFramePsnr(videos, videos.select(1, 0)), vds::kPsnrCapDb);
  }

  void psnrOfAKnownError() {
    // Every value of frame 0 off by one 8-bit level: MSE 1, PSNR = 20 log10(255) dB.
    const auto condition = torch::zeros({2, 3, 8, 8}, torch::kFloat64);
    auto videos = torch::zeros({2, 2, 3, 8, 8}, torch::kFloat64);
    videos.select(1, 0).fill_(1.0 / 127.5);
    const double psnr = vds::firstFramePsnr(videos, condition);
    QVERIFY2(std::abs(psnr - 20.0 * std::log10(255.0)) < 1e-9, qPrintable(QString::number(psnr)));
    // Later frames do not count; a clip at the cap averages with the others.
    videos.select(1, 1).fill_(0.5);
    videos[1].select(0, 0).zero_();
    QVERIFY(std::abs(vds::firstFramePsnr(videos, condition) - 0.5 * (psnr + vds::kPsnrCapDb)) < 1e-9);
  }

  void psnrRejectsMismatchedShapes() {
    const auto videos = torch::zeros({2, 2, 3, 8, 8});
    QVERIFY_THROWS_EXCEPTION(vds::DataError, vds::firstFramePsnr(videos, torch::zeros({1, 3, 8, 8})));
    QVERIFY_THROWS_EXCEPTION(vds::DataError, vds::firstFramePsnr(videos, torch::zeros({2, 3, 4, 8})));
    QVERIFY_THROWS_EXCEPTION(vds::DataError, vds::firstFramePsnr(videos, torch::Tensor()));
  }

  void reportCarriesTheNewFields() {
    vds::MetricReport report;
    report.firstFramePsnr = 31.25;
    report.directionAccuracy = 0.75;
    report.millisecondsPerClip = 12.5;
    report.nfe = 4;
    report.settings.spacing = "trailing";
    report.settings.timesteps = {999, 499};
    report.settings.batchSize = 16;
    report.settings.frames = 8;
    report.settings.frameWidth = report.settings.frameHeight = 32;
    report.settings.realStyles = {vds::Style::plain};
    const auto j = report.toJson();
    QCOMPARE(j.at("metrics").at("first_frame_psnr_db").get<double>(), 31.25);
    QCOMPARE(j.at("metrics").at("direction_accuracy").get<double>(), 0.75);
    QCOMPARE(j.at("metrics").at("ms_per_clip").get<double>(), 12.5);
    QCOMPARE(j.at("metrics").at("nfe").get<int64_t>(), int64_t{4});
    QVERIFY(j.at("settings").at("timesteps") == nlohmann::json({999.0, 499.0}));
    QVERIFY(j.at("settings").at("real_styles") == nlohmann::json({"plain"}));
    QCOMPARE(j.at("settings").at("world").at("width").get<int64_t>(), int64_t{32});
    const std::string table = report.formatTable();
    for (const char* needle : {"31.25", "0.7500", "12.50", "NFE per clip", "timesteps [999,499]", "batch 16",
                               "32x32, 8 frames, real styles [plain]"})
      QVERIFY2(table.find(needle) != std::string::npos, needle);
    QVERIFY(vds::MetricReport{}.toJson().at("metrics").at("nfe").is_null());
  }
};

QTEST_GUILESS_MAIN(EvalI2VMetricsTest)
#include "test_eval_i2v_metrics.moc"
