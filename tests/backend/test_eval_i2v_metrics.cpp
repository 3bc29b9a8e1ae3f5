// The image-to-video metrics on hand-made inputs: motion-direction accuracy (pairing,
// pooling over objects, missing objects) and first-frame PSNR (the cap for identical
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
    QCOMPARE(vds::directionAccuracy(predicted, captioned), 3.0 / 5.0);
    // Position pairing: a wrong-coloured object in slot 0 still has its direction judged.
    QCOMPARE(vds::directionAccuracy({{object(ShapeKind::circle, Colour::green, Direction::left)}}, {{redCircleLeft}}),
             1.0);
    QCOMPARE(vds::directionAccuracy({{}}, {{redCircleLeft}}), 0.0);
    QVERIFY_THROWS_EXCEPTION(vds::DataError, vds::directionAccuracy({{}}, {}));
    QVERIFY_THROWS_EXCEPTION(vds::DataError, vds::directionAccuracy({{}}, {{}}));
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
