// The eval net: head shapes and learning to tell two kinds of motion apart.
#include "core/errors.h"
#include "models/eval_net.h"
#include "support/test_support.h"

using torch::indexing::Slice;

namespace {

vds::EvalNetOptions tinyOptions() {
  vds::EvalNetOptions o;
  o.channels = {8, 16, 16};
  o.featureDim = 16;
  o.maxGroups = 4;
  return o;
}

// 16x16 clips of 4 frames: a bright square moving right (label 0) or left (label 1),
// starting from different rows and columns so that position alone does not tell.
std::pair<torch::Tensor, torch::Tensor> movingSquares(int64_t perClass) {
  auto videos = torch::full({2 * perClass, 4, 3, 16, 16}, -1.0f);
  auto labels = torch::zeros({2 * perClass}, torch::kInt64);
  for (int64_t i = 0; i < 2 * perClass; ++i) {
    const bool left = i >= perClass;
    labels[i] = left ? 1 : 0;
    const int64_t y = (i * 5) % 11, x0 = 4 + (i * 3) % 5;
    for (int64_t f = 0; f < 4; ++f) {
      const int64_t x = left ? x0 + 4 - 2 * f : x0 - 2 + 2 * f;
      videos.index_put_({i, f, Slice(), Slice(y, y + 4), Slice(x, x + 4)}, 1.0f);
    }
  }
  return {videos, labels};
}

}  // namespace

class ModelsEvalTest : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  // Tiny tensors: thread start-up and contention cost more than they save (25x on a busy 2-core box).
  void initTestCase() { torch::set_num_threads(1); }

  void init() { torch::manual_seed(13); }

  void headShapes() {
    vds::EvalNet net;  // default size on 32x32 x 8 frames
    torch::NoGradGuard noGrad;
    const auto out = net(torch::rand({2, 8, 3, 32, 32}) * 2 - 1);
    QCOMPARE(out.features.sizes().vec(), (std::vector<int64_t>{2, 128}));
    QCOMPARE(out.shape.sizes().vec(), (std::vector<int64_t>{2, 2, 6}));
    QCOMPARE(out.colour.sizes().vec(), (std::vector<int64_t>{2, 2, 7}));
    QCOMPARE(out.direction.sizes().vec(), (std::vector<int64_t>{2, 2, 5}));
    QCOMPARE(out.style.sizes().vec(), (std::vector<int64_t>{2, 5}));
    QCOMPARE(net->features(torch::zeros({1, 3, 3, 32, 32})).sizes().vec(), (std::vector<int64_t>{1, 128}));

    vds::EvalNetTargets targets{torch::full({2, 2}, 5, torch::kInt64), torch::zeros({2, 2}, torch::kInt64),
                                torch::full({2, 2}, 4, torch::kInt64), torch::ones({2}, torch::kInt64)};
    QVERIFY(std::isfinite(vds::evalNetLoss(out, targets).item<double>()));
  }

  void optionsYaml() {
    auto o = tinyOptions();
    o.styles = 7;
    const auto back = vds::EvalNetOptions::fromYaml(YAML::Load(YAML::Dump(o.toYaml())));
    QCOMPARE(back.styles, int64_t{7});
    QCOMPARE(YAML::Dump(back.toYaml()), YAML::Dump(o.toYaml()));
    VDS_EXPECT_THROW_MSG(vds::EvalNetOptions::fromYaml(YAML::Load("colors: 6")), vds::ConfigError, "colors");
    VDS_EXPECT_THROW_MSG(vds::EvalNetOptions::fromYaml(YAML::Load("channels: [8, 16]")), vds::ConfigError, "channels");
  }

  void learnsDirectionOfMotion() {
    vds::EvalNet net(tinyOptions());
    const auto [videos, labels] = movingSquares(6);
    torch::optim::Adam optimiser(net->parameters(), torch::optim::AdamOptions(3e-3));
    auto lossNow = [&] {
      return torch::nn::functional::cross_entropy(net(videos).direction.select(1, 0), labels);
    };
    const double initial = lossNow().item<double>();
    double last = initial;
    for (int step = 0; step < 60; ++step) {
      auto loss = lossNow();
      optimiser.zero_grad();
      loss.backward();
      optimiser.step();
      last = loss.item<double>();
    }
    torch::NoGradGuard noGrad;
    const auto predicted = net(videos).direction.select(1, 0).argmax(1);
    const double accuracy = predicted.eq(labels).to(torch::kFloat32).mean().item<double>();
    qInfo("eval net direction CE: %.4f -> %.4f, train accuracy %.2f", initial, last, accuracy);
    QVERIFY(last < 0.5 * initial);
    QCOMPARE(accuracy, 1.0);
  }
};

QTEST_GUILESS_MAIN(ModelsEvalTest)
#include "test_models_eval.moc"
