// The model factory: every kind builds from its default architecture, unknown kinds and
// keys are named in errors, and the default models are small enough to ship.
#include "core/errors.h"
#include "models/model_factory.h"
#include "models/unet.h"
#include "support/test_support.h"

namespace {
// Shipped packages are a few MB each: at most 10 MB of fp32 weights per model.
constexpr int64_t kMaxShippedParameters = 2'500'000;
}  // namespace

class ModelsFactoryTest : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  // Tiny tensors: thread start-up and contention cost more than they save (25x on a busy 2-core box).
  void initTestCase() { torch::set_num_threads(1); }

  void everyKindBuildsWithinTheSizeBudget() {
    for (const auto& kind : vds::modelKinds()) {
      auto model = vds::buildModel(kind, YAML::Node());
      QVERIFY(model != nullptr);
      const int64_t count = vds::parameterCount(*model);
      qInfo("%-13s %9lld parameters (%.2f MB fp32)", kind.c_str(), static_cast<long long>(count), count * 4.0 / 1e6);
      QVERIFY2(count <= kMaxShippedParameters, kind.c_str());
      // The explicit default architecture builds the same model.
      QCOMPARE(vds::parameterCount(*vds::buildModel(kind, vds::defaultArchitecture(kind))), count);
    }
    auto unet = vds::buildModel("image_unet", YAML::Load("base_channels: 32\ncontext_dim: 0"));
    QVERIFY(unet->as<vds::ImageUNetImpl>() != nullptr);
    QCOMPARE(unet->as<vds::ImageUNetImpl>()->options().baseChannels, int64_t{32});
  }

  void defaultArchitecturesRoundTrip() {
    for (const auto& kind : vds::modelKinds()) {
      const auto yaml = vds::defaultArchitecture(kind);
      auto model = vds::buildModel(kind, YAML::Load(YAML::Dump(yaml)));
      QVERIFY(model != nullptr);
    }
  }

  void unknownKindsAndKeysAreNamed() {
    VDS_EXPECT_THROW_MSG(vds::buildModel("vae", YAML::Node()), vds::ConfigError, "vae");
    VDS_EXPECT_THROW_MSG(vds::buildModel("vae", YAML::Node()), vds::ConfigError, "i2v_unet");
    for (const auto& kind : vds::modelKinds())
      VDS_EXPECT_THROW_MSG(vds::buildModel(kind, YAML::Load("bogus_key: 1")), vds::ConfigError, "bogus_key");
    VDS_EXPECT_THROW_MSG(vds::buildModel("video_unet", YAML::Load("spatial: {bogus_nested: 1}")), vds::ConfigError,
                         "bogus_nested");
    VDS_EXPECT_THROW_MSG(vds::buildModel("image_unet", YAML::Load("[1, 2]")), vds::ConfigError, "image_unet");
  }
};

QTEST_GUILESS_MAIN(ModelsFactoryTest)
#include "test_models_factory.moc"
