// Flicker, identity consistency and the metric report.
#include <limits>

#include "core/errors.h"
#include "data/shapes_world.h"
#include "eval/metrics.h"
#include "support/test_support.h"

using torch::indexing::None;
using torch::indexing::Slice;

namespace {

bool near(double a, double b, double tolerance = 1e-12) { return std::abs(a - b) <= tolerance; }

}  // namespace

class MetricsTemporalTest : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void initTestCase() { torch::set_num_threads(1); }

  void staticVideoHasNoFlickerAndFullIdentity() {
    const auto frame = torch::rand({1, 1, 3, 8, 8}) * 2 - 1;
    const auto video = frame.expand({2, 6, 3, 8, 8}).contiguous();
    QVERIFY(near(vds::flicker(video), 0.0));
    QVERIFY(near(vds::identityConsistency(video), 1.0));
  }

  void alternatingFramesFlickerByTheirDifference() {
    // Clip 0 alternates -0.5, 0.25, -0.5, ... (|Δ| = 0.75 each step); clip 1 is static.
    auto video = torch::zeros({2, 5, 3, 4, 4});
    for (int64_t f = 0; f < 5; ++f) video.index_put_({0, f}, f % 2 ? 0.25 : -0.5);
    QVERIFY(near(vds::flicker(video.narrow(0, 0, 1)), 0.75));
    QVERIFY(near(vds::flicker(video), 0.375));
    VDS_EXPECT_THROW_MSG(vds::flicker(video.narrow(1, 0, 1)), vds::DataError, "F >= 2");
    VDS_EXPECT_THROW_MSG(vds::flicker(video[0]), vds::DataError, "[N >= 1, F >= 2, 3, H, W]");
  }

  void identityIgnoresMotionButSeesColourChange() {
    // A white 4x4 square on black moving right: the histogram never changes.
    auto moving = torch::full({1, 4, 3, 16, 16}, -1.0);
    for (int64_t f = 0; f < 4; ++f) moving.index_put_({0, f, Slice(), Slice(2, 6), Slice(2 + 3 * f, 6 + 3 * f)}, 1.0);
    QVERIFY(near(vds::identityConsistency(moving), 1.0));
    QVERIFY(vds::flicker(moving) > 0);
    // Frame 0 all black; later frames half black, half white: intersection 1/2 each.
    auto split = torch::full({1, 3, 3, 8, 8}, -1.0);
    split.index_put_({0, Slice(1, None), Slice(), Slice(), Slice(0, 4)}, 1.0);
    QVERIFY(near(vds::identityConsistency(split), 0.5));
    // The square turns from white to red (red's green/blue bins differ): 16 of 256 pixels move bins.
    auto recoloured = moving.clone();
    recoloured.index_put_({0, Slice(1, None), Slice(1, 3)}, -1.0);
    QVERIFY(near(vds::identityConsistency(recoloured), 1.0 - 16.0 / 256.0));
  }

  void realShapesClipsKeepTheirIdentity() {
    const vds::ShapesWorld world;
    std::vector<torch::Tensor> clips;
    for (int64_t i = 0; i < 8; ++i) clips.push_back(world.renderFloat(world.spec(vds::Split::heldout, i)));
    const auto videos = torch::stack(clips);
    const double identity = vds::identityConsistency(videos);
    qInfo("real clips: flicker %.4f, identity %.4f", vds::flicker(videos), identity);
    QVERIFY(vds::flicker(videos) > 0);
    QVERIFY(identity > 0.9 && identity <= 1.0);
  }

  void reportJsonRecordsEverySetting() {
    vds::MetricReport report;
    report.settings.sampleCount = 64;
    report.settings.seeds = {7, 8};
    report.settings.sampler = "lcm";
    report.settings.steps = 4;
    report.settings.guidance = 1.5;
    report.settings.targetStyle = vds::Style::pastel;
    report.settings.modelPackages = {{"student", "runs/mcm/model"}, {"eval_net", "resources/models/eval_net"}};
    report.fvd = 12.5;
    report.fvdRealFloor = 1.25;
    report.flicker = 0.3;
    report.flickerReal = 0.2;
    const auto j = report.toJson();
    const auto& s = j.at("settings");
    QCOMPARE(s.at("sample_count").get<int64_t>(), int64_t(64));
    QVERIFY(s.at("seeds") == nlohmann::json({7, 8}));
    QCOMPARE(s.at("sampler").get<std::string>(), std::string("lcm"));
    QCOMPARE(s.at("steps").get<int>(), 4);
    QCOMPARE(s.at("guidance").get<double>(), 1.5);
    QCOMPARE(s.at("real_split").get<std::string>(), std::string("heldout"));
    QCOMPARE(s.at("target_style").get<std::string>(), std::string("pastel"));
    QCOMPARE(s.at("model_packages").at("student").get<std::string>(), std::string("runs/mcm/model"));
    QCOMPARE(s.at("model_packages").at("eval_net").get<std::string>(), std::string("resources/models/eval_net"));
    const auto& m = j.at("metrics");
    QCOMPARE(m.at("fvd_s").get<double>(), 12.5);
    QCOMPARE(m.at("fvd_s_real_floor").get<double>(), 1.25);
    QVERIFY(near(m.at("flicker_ratio").get<double>(), 1.5));
    QVERIFY(m.at("prompt_accuracy").is_null());
    for (const char* key : {"style_accuracy", "flicker", "flicker_real", "identity_consistency",
                            "identity_consistency_real"})
      QVERIFY2(m.contains(key), key);

    const std::string table = report.formatTable();
    for (const char* needle : {"FVD-S", "12.500", "n/a", "lcm", "4 steps", "guidance 1.5", "seeds [7,8]",
                               "target style pastel", "eval_net: resources/models/eval_net"})
      QVERIFY2(table.find(needle) != std::string::npos, needle);
    QVERIFY(s.at("guidance_interval").is_null());
    QVERIFY(table.find("scaled sigmas") == std::string::npos);

    // A limited guidance interval: [low, high] in the JSON (an infinite high as null) and the table.
    report.settings.guidanceInterval = std::array{0.5, 20.0};
    QVERIFY(report.toJson().at("settings").at("guidance_interval") == nlohmann::json({0.5, 20.0}));
    QVERIFY(report.formatTable().find("guidance 1.5 on scaled sigmas (0.5, 20]") != std::string::npos);
    report.settings.guidanceInterval = std::array{3.0, std::numeric_limits<double>::infinity()};
    QVERIFY(report.toJson().at("settings").at("guidance_interval") == nlohmann::json({3.0, nullptr}));
  }
};

QTEST_GUILESS_MAIN(MetricsTemporalTest)
#include "test_metrics_temporal.moc"
