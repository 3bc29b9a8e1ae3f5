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

  // The slot loss against a closed form: one-hot logits of height L give each correct
  // slot-target pairing a cross-entropy of log(1 + (K - 1) e^-L) per head, so the best
  // assignment costs exactly that whatever order the targets come in.
  void slotLossIgnoresObjectOrder() {
    const double height = 6.0;
    auto oneHot = [&](std::vector<std::vector<int64_t>> classes, int64_t k) {
      auto t = torch::zeros({static_cast<int64_t>(classes.size()), 2, k}, torch::kFloat64);
      for (size_t b = 0; b < classes.size(); ++b)
        for (size_t s = 0; s < 2; ++s) t[static_cast<int64_t>(b)][static_cast<int64_t>(s)][classes[b][s]] = height;
      return t;
    };
    vds::EvalNetOutput out;
    out.shape = oneHot({{0, 3}, {2, 5}}, 6);
    out.colour = oneHot({{1, 4}, {0, 6}}, 7);
    out.direction = oneHot({{2, 0}, {3, 4}}, 5);
    out.style = torch::zeros({2, 5}, torch::kFloat64);
    auto targets = [](std::vector<int64_t> shape, std::vector<int64_t> colour, std::vector<int64_t> direction) {
      auto t = [](const std::vector<int64_t>& v) { return torch::tensor(v, torch::kInt64).view({2, 2}); };
      return vds::EvalNetTargets{t(shape), t(colour), t(direction), torch::tensor({1, 3}, torch::kInt64)};
    };
    auto ce = [&](int64_t k) { return std::log1p(static_cast<double>(k - 1) * std::exp(-height)); };
    const double expected = ce(6) + ce(7) + ce(5) + std::log(5.0);
    // Clip 0 in the predicted order, clip 1 with its two objects the other way round.
    const double swapped = vds::evalNetLoss(out, targets({0, 3, 5, 2}, {1, 4, 6, 0}, {2, 0, 4, 3})).item<double>();
    QVERIFY2(std::abs(swapped - expected) < 1e-9, qPrintable(QString::number(swapped)));
    const double ordered = vds::evalNetLoss(out, targets({0, 3, 2, 5}, {1, 4, 0, 6}, {2, 0, 3, 4})).item<double>();
    QVERIFY(std::abs(ordered - expected) < 1e-9);
    // An ignored direction target costs nothing, so a wrong prediction there is free...
    const double ignored = vds::evalNetLoss(out, targets({0, 3, 2, 5}, {1, 4, 0, 6}, {-1, 0, 3, 4})).item<double>();
    QVERIFY(std::abs(ignored - (expected - ce(5) / 4)) < 1e-9);
    // ...while a wrong attribute in either order costs far more than the best pairing.
    const double wrong = vds::evalNetLoss(out, targets({1, 3, 2, 5}, {1, 4, 0, 6}, {2, 0, 3, 4})).item<double>();
    QVERIFY(wrong > expected + 1.0);
  }

  void poolingChangesFeatureInput() {
    auto o = tinyOptions();
    o.pooling = "mean";
    QCOMPARE(vds::EvalNet(o)->feature_fc->weight.size(1), int64_t{16});
    o.pooling = "mean_max";
    QCOMPARE(vds::EvalNet(o)->feature_fc->weight.size(1), int64_t{32});
    VDS_EXPECT_THROW_MSG(vds::EvalNetOptions::fromYaml(YAML::Load("pooling: max")), vds::ConfigError, "pooling");
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
