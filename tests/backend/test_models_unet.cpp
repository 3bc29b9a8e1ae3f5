// The image UNet: shapes with and without text context, the block hook, options YAML,
// and a short eps-prediction training run.
#include "core/errors.h"
#include "models/unet.h"
#include "support/test_support.h"

using vds::test::maxAbsDiff;

namespace {

vds::ImageUNetOptions tinyOptions() {
  vds::ImageUNetOptions o;
  o.baseChannels = 16;
  o.channelMults = {1, 2};
  o.attentionLevels = {1};
  o.heads = 2;
  o.contextDim = 8;
  o.maxGroups = 4;
  return o;
}

}  // namespace

class ModelsUNetTest : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  // Tiny tensors: thread start-up and contention cost more than they save (25x on a busy 2-core box).
  void initTestCase() { torch::set_num_threads(1); }

  void init() { torch::manual_seed(7); }

  void outputShapes() {
    vds::ImageUNet unet(tinyOptions());
    torch::NoGradGuard noGrad;
    auto x = torch::randn({3, 4, 8, 8});
    auto t = torch::tensor({10.f, 500.f, 999.f});
    auto context = torch::randn({3, 5, 8});
    auto withText = unet(x, t, context);
    QCOMPARE(withText.sizes().vec(), (std::vector<int64_t>{3, 4, 8, 8}));
    // Undefined context skips cross-attention; the context changes the output.
    auto withoutText = unet(x, t);
    QCOMPARE(withoutText.sizes().vec(), (std::vector<int64_t>{3, 4, 8, 8}));
    QVERIFY(maxAbsDiff(withText, withoutText) > 1e-4);
    // So does the timestep.
    QVERIFY(maxAbsDiff(unet(x, torch::tensor({900.f, 500.f, 999.f}), context)[0], withText[0]) > 1e-4);
    // Samples are independent of each other.
    QVERIFY(maxAbsDiff(unet(x.slice(0, 1, 2), t.slice(0, 1, 2), context.slice(0, 1, 2))[0], withText[1]) < 1e-5);

    auto o = tinyOptions();
    o.contextDim = 0;
    o.inChannels = 8;
    o.channelMults = {1, 2, 2};
    o.blocksPerLevel = 2;
    o.scaleShift = false;
    vds::ImageUNet plain(o);
    QCOMPARE(plain(torch::randn({2, 8, 8, 8}), torch::tensor({3.f})).sizes().vec(),
             (std::vector<int64_t>{2, 4, 8, 8}));
  }

  void hookSeesEveryBlockInOrder() {
    vds::ImageUNet unet(tinyOptions());
    // Level 0 (16 ch, 1 block), level 1 (32 ch, 1 block), middle (32), up level 1 (2 blocks), up level 0 (2 blocks).
    QCOMPARE(unet->blockChannels(), (std::vector<int64_t>{16, 32, 32, 32, 32, 16, 16}));
    std::vector<int64_t> seen;
    torch::NoGradGuard noGrad;
    auto x = torch::randn({2, 4, 8, 8});
    auto t = torch::tensor({1.f, 2.f});
    auto plain = unet(x, t);
    auto identity = unet->forward(x, t, {}, [&](int64_t index, const torch::Tensor& h) {
      seen.push_back(index);
      if (h.size(1) != unet->blockChannels()[static_cast<size_t>(index)]) seen.push_back(-1);
      return h;
    });
    QCOMPARE(seen, (std::vector<int64_t>{0, 1, 2, 3, 4, 5, 6}));
    QCOMPARE(maxAbsDiff(identity, plain), 0.0);
    auto changed = unet->forward(x, t, {}, [](int64_t index, const torch::Tensor& h) { return index == 2 ? h * 2 : h; });
    QVERIFY(maxAbsDiff(changed, plain) > 1e-4);
  }

  void optionsYamlRoundTripAndErrors() {
    auto o = tinyOptions();
    o.timeEmbedScale = 250.0;
    const auto back = vds::ImageUNetOptions::fromYaml(YAML::Load(YAML::Dump(o.toYaml())));
    QCOMPARE(back.attentionLevels, o.attentionLevels);
    QCOMPARE(back.timeEmbedScale, 250.0);
    QCOMPARE(YAML::Dump(back.toYaml()), YAML::Dump(o.toYaml()));
    VDS_EXPECT_THROW_MSG(vds::ImageUNetOptions::fromYaml(YAML::Load("base_channels: 32\nchanel_mults: [1]")),
                         vds::ConfigError, "chanel_mults");
    VDS_EXPECT_THROW_MSG(vds::ImageUNetOptions::fromYaml(YAML::Load("attention_levels: [3]")), vds::ConfigError,
                         "attention_levels");
    VDS_EXPECT_THROW_MSG(vds::ImageUNetOptions::fromYaml(YAML::Load("heads: many")), vds::ConfigError, "heads");
  }

  void shortTrainingReducesDenoisingLoss() {
    vds::ImageUNet unet(tinyOptions());
    // DDPM linear betas (1e-4 .. 0.02, T = 1000); a fixed set of (x0, t, eps) triples.
    const auto alphaBar = torch::cumprod(1 - torch::linspace(1e-4, 0.02, 1000), 0);
    const auto x0 = torch::randn({4, 4, 8, 8}).repeat({3, 1, 1, 1});
    const auto t = torch::tensor({100, 500, 900}).repeat_interleave(4);
    const auto eps = torch::randn({12, 4, 8, 8});
    const auto ab = alphaBar.index_select(0, t).view({-1, 1, 1, 1});
    const auto xt = ab.sqrt() * x0 + (1 - ab).sqrt() * eps;
    const auto context = torch::randn({12, 3, 8});
    torch::optim::Adam optimiser(unet->parameters(), torch::optim::AdamOptions(2e-3));
    auto lossNow = [&] { return torch::mse_loss(unet(xt, t.to(torch::kFloat32), context), eps); };
    const double initial = lossNow().item<double>();
    double last = initial;
    for (int step = 0; step < 50; ++step) {
      auto loss = lossNow();
      optimiser.zero_grad();
      loss.backward();
      optimiser.step();
      last = loss.item<double>();
    }
    qInfo("image UNet eps MSE: %.4f -> %.4f", initial, last);
    QVERIFY(last < 0.5 * initial);
  }
};

QTEST_GUILESS_MAIN(ModelsUNetTest)
#include "test_models_unet.moc"
