// Typed model packages: every kind round-trips exactly through save/load, the manifests
// follow the conventions of model_zoo.h, broken manifests and weights are errors naming
// the key or tensor and the package, and the Shapes vocabulary covers the world.
#include "pipeline_fixtures.h"
#include "core/errors.h"
#include "data/shapes_world.h"
#include "support/test_support.h"

namespace fs = std::filesystem;
using vds::test::maxAbsDiff;
using vds::test::TinyPackages;

using vds::test::copyPackage;
using vds::test::editManifest;

class PipelinePackagesTest : public QObject {
  Q_OBJECT
 private:
  vds::test::TempDir dir_;
  TinyPackages packages_;

 private Q_SLOTS:
  void initTestCase() {
    torch::set_num_threads(1);
    packages_ = TinyPackages::write(dir_.path());
  }

  void autoencoderRoundTrip() {
    vds::Autoencoder original(vds::test::tinyAutoencoderOptions());
    vds::test::jitter(*original, 7);
    original->latent_scale.fill_(0.75);
    vds::saveAutoencoder(dir_ / "ae_rt", {"ae", "", {}}, original);
    vds::LoadedAutoencoder loaded = vds::loadAutoencoder(dir_ / "ae_rt");
    QCOMPARE(loaded.package.name(), std::string("ae"));
    QVERIFY(!loaded.module->is_training());
    original->eval();
    torch::NoGradGuard noGrad;
    const auto images = torch::rand({2, 3, 8, 8}) * 2 - 1;
    QCOMPARE(maxAbsDiff(loaded.module->forward(images), original->forward(images)), 0.0);
    QCOMPARE(loaded.module->latentScale(), 0.75);
  }

  void textEncoderRoundTrip() {
    vds::TextEncoder original(vds::test::tinyTextOptions());
    vds::test::jitter(*original, 6);
    const vds::WordTokenizer tokenizer = vds::shapesTokenizer(vds::test::kTinyMaxLength);
    vds::saveTextEncoder(dir_ / "text_rt", {"text", "", {}}, original, tokenizer);
    vds::LoadedTextEncoder loaded = vds::loadTextEncoder(dir_ / "text_rt");
    QCOMPARE(loaded.tokenizer.words(), vds::shapesVocabulary());
    QCOMPARE(loaded.tokenizer.maxLength(), int64_t{vds::test::kTinyMaxLength});
    original->eval();
    torch::NoGradGuard noGrad;
    const std::vector<std::string> prompts{"a red circle moving left", ""};
    QCOMPARE(maxAbsDiff(loaded.module->encode(loaded.tokenizer, prompts).context,
                        original->encode(tokenizer, prompts).context),
             0.0);
  }

  void evalNetRoundTrip() {
    vds::EvalNet original(vds::test::tinyEvalOptions());
    vds::test::jitter(*original, 8);
    vds::saveEvalNet(dir_ / "eval_rt", {"eval", "tiny classifier", YAML::Load("{clips: 0}")}, original);
    vds::LoadedEvalNet loaded = vds::loadEvalNet(dir_ / "eval_rt");
    QCOMPARE(loaded.package.manifest()["training"]["clips"].as<int>(), 0);
    original->eval();
    torch::NoGradGuard noGrad;
    const auto video = torch::rand({1, 2, 3, 8, 8}) * 2 - 1;
    QCOMPARE(maxAbsDiff(loaded.module->features(video), original->features(video)), 0.0);
  }

  void diffusionRoundTrips() {
    torch::NoGradGuard noGrad;
    const auto context = torch::randn({2, 3, vds::test::kTinyContext});
    const auto t = torch::tensor({10.f, 900.f});
    {
      vds::ImageUNet original(vds::test::tinyUNetOptions());
      vds::test::jitter(*original, 9);
      vds::saveDiffusionModel(dir_ / "image_rt", {"img", "", {}}, vds::kKindImageUNet, *original,
                              vds::test::tinySpec(false, 1));
      const vds::LoadedDiffusionModel loaded = vds::loadDiffusionModel(dir_ / "image_rt");
      QVERIFY(loaded.imageUNet() != nullptr && loaded.videoUNet() == nullptr);
      original->eval();
      const auto x = torch::randn({2, 4, 4, 4});
      QCOMPARE(maxAbsDiff(loaded.imageUNet()->forward(x, t, context), original->forward(x, t, context)), 0.0);
      QCOMPARE(loaded.sampleShape(), (std::vector<int64_t>{4, 4, 4}));
    }
    {
      vds::VideoUNet original(vds::test::tinyVideoOptions());
      vds::test::jitter(*original, 10);
      auto spec = vds::test::tinySpec(false, 2);
      spec.parameterisation = vds::diffusion::Parameterisation::v;
      spec.schedule = vds::ScheduleSpec::ddpm(vds::diffusion::BetaSchedule::cosine, 500);
      vds::saveDiffusionModel(dir_ / "video_rt", {"vid", "", {}}, vds::kKindVideoUNet, *original, spec);
      const vds::LoadedDiffusionModel loaded = vds::loadDiffusionModel(dir_ / "video_rt");
      QVERIFY(loaded.videoUNet() != nullptr && loaded.i2vUNet() == nullptr);
      QVERIFY(loaded.spec.parameterisation == vds::diffusion::Parameterisation::v);
      QCOMPARE(loaded.spec.schedule.timesteps, 500);
      QVERIFY(loaded.spec.schedule.beta == vds::diffusion::BetaSchedule::cosine);
      original->eval();
      const auto x = torch::randn({2, 2, 4, 4, 4});
      QCOMPARE(maxAbsDiff(loaded.videoUNet()->forward(x, t, context), original->forward(x, t, context)), 0.0);
    }
    {
      vds::I2VUNet original(vds::test::tinyI2VOptions());
      vds::test::jitter(*original, 11);
      auto spec = vds::test::tinySpec(true, 2);
      spec.parameterisation = vds::diffusion::Parameterisation::edm_v;
      spec.sigmaData = 1.0;
      spec.schedule = vds::ScheduleSpec::karras(0.02, 700.0, 7.0);
      vds::saveDiffusionModel(dir_ / "i2v_rt", {"i2v", "", {}}, vds::kKindI2VUNet, *original, spec);
      const vds::LoadedDiffusionModel loaded = vds::loadDiffusionModel(dir_ / "i2v_rt");
      QVERIFY(loaded.i2vUNet() != nullptr);
      QCOMPARE(loaded.spec.schedule.sigmaMax, 700.0);
      QCOMPARE(loaded.spec.sigmaData, 1.0);
      original->eval();
      const auto x = torch::randn({2, 2, 4, 4, 4});
      const auto first = torch::randn({2, 4, 4, 4});
      const auto cNoise = torch::tensor({-1.f, 1.f});
      QCOMPARE(maxAbsDiff(loaded.i2vUNet()->forward(x, cNoise, first, context),
                          original->forward(x, cNoise, first, context)),
               0.0);
      // The Denoiser adapter feeds Conditioning::image to the i2v forward.
      const vds::diffusion::Denoiser denoiser = vds::makeDenoiser(loaded);
      const vds::diffusion::NoiseLevel level{1.0, 2.0, 2.0};
      const auto a = denoiser.x0(x, level, {context, first});
      const auto b = denoiser.x0(x, level, {context, torch::zeros_like(first)});
      QVERIFY(maxAbsDiff(a, b) > 1e-4);
      VDS_EXPECT_THROW_MSG(denoiser.x0(x, level, {context, {}}), vds::Error, "Conditioning::image");
    }
  }

  void manifestConventions() {
    const YAML::Node m = YAML::LoadFile((packages_.video() / "model.yaml").string());
    QCOMPARE(m["format"].as<std::string>(), std::string(vds::kModelPackageFormat));
    QCOMPARE(m["kind"].as<std::string>(), std::string("video_unet"));
    QCOMPARE(m["parameterisation"]["type"].as<std::string>(), std::string("eps"));
    QCOMPARE(m["parameterisation"]["sigma_data"].as<double>(), 1.0);
    QCOMPARE(m["schedule"]["type"].as<std::string>(), std::string("scaled_linear"));
    QCOMPARE(m["schedule"]["timesteps"].as<int>(), 1000);
    QCOMPARE(m["schedule"]["beta_start"].as<double>(), 0.00085);
    QCOMPARE(m["schedule"]["beta_end"].as<double>(), 0.012);
    QCOMPARE(m["latent"]["autoencoder"].as<std::string>(), std::string("../ae"));
    QCOMPARE(m["latent"]["frames"].as<int>(), 2);
    QCOMPARE(m["latent"]["channels"].as<int>(), 4);
    QCOMPARE(m["conditioning"]["text_encoder"].as<std::string>(), std::string("../text"));
    QCOMPARE(m["training"]["seed"].as<int>(), 4);
    QCOMPARE(m["weights"][0].as<std::string>(), std::string("model.safetensors"));

    const YAML::Node edm = YAML::LoadFile((packages_.i2v() / "model.yaml").string());
    QCOMPARE(edm["schedule"]["type"].as<std::string>(), std::string("edm"));
    QCOMPARE(edm["schedule"]["sigma_max"].as<double>(), 80.0);
    QCOMPARE(edm["parameterisation"]["sigma_data"].as<double>(), 0.5);

    const YAML::Node text = YAML::LoadFile((packages_.text() / "model.yaml").string());
    QCOMPARE(text["conditioning"]["tokenizer"]["max_length"].as<int>(), vds::test::kTinyMaxLength);
    QVERIFY(!text["description"]);  // empty descriptions are left out
  }

  void manifestErrorsNameKeyAndPackage() {
    const fs::path wrongType = copyPackage(packages_.video(), dir_ / "wrong_type");
    editManifest(wrongType, [](YAML::Node& m) { m["parameterisation"]["type"] = "epsilon"; });
    VDS_EXPECT_THROW_MSG(vds::loadDiffusionModel(wrongType), vds::ModelPackageError, "parameterisation.type");
    VDS_EXPECT_THROW_MSG(vds::loadDiffusionModel(wrongType), vds::ModelPackageError, wrongType.string().c_str());

    const fs::path noAe = copyPackage(packages_.video(), dir_ / "no_ae");
    editManifest(noAe, [](YAML::Node& m) { m["latent"].remove("autoencoder"); });
    VDS_EXPECT_THROW_MSG(vds::loadDiffusionModel(noAe), vds::ModelPackageError, "'latent.autoencoder' is missing");
    VDS_EXPECT_THROW_MSG(vds::loadDiffusionModel(noAe), vds::ModelPackageError, noAe.string().c_str());

    const fs::path badAe = copyPackage(packages_.video(), dir_ / "bad_ae");
    editManifest(badAe, [](YAML::Node& m) { m["latent"]["autoencoder"] = "../nowhere"; });
    VDS_EXPECT_THROW_MSG(vds::loadDiffusionModel(badAe), vds::ModelPackageError, "not a model package");
    editManifest(badAe, [](YAML::Node& m) { m["latent"]["autoencoder"] = "../text"; });
    VDS_EXPECT_THROW_MSG(vds::loadDiffusionModel(badAe), vds::ModelPackageError, "is a text_encoder package");

    const fs::path mismatch = copyPackage(packages_.video(), dir_ / "mismatch");
    editManifest(mismatch, [](YAML::Node& m) { m["schedule"] = YAML::Load("{type: edm, sigma_min: 0.002, sigma_max: 80, rho: 7}"); });
    VDS_EXPECT_THROW_MSG(vds::loadDiffusionModel(mismatch), vds::ModelPackageError, "'schedule.type' is 'edm'");

    const fs::path unknown = copyPackage(packages_.video(), dir_ / "unknown");
    editManifest(unknown, [](YAML::Node& m) { m["latent"]["fps"] = 8; });
    VDS_EXPECT_THROW_MSG(vds::loadDiffusionModel(unknown), vds::ModelPackageError, "'latent.fps'");

    VDS_EXPECT_THROW_MSG(vds::loadAutoencoder(packages_.text()), vds::ModelPackageError, "expected 'autoencoder'");
    VDS_EXPECT_THROW_MSG(vds::loadDiffusionModel(packages_.ae()), vds::ModelPackageError, "'kind'");

    const fs::path aeSchedule = copyPackage(packages_.ae(), dir_ / "ae_schedule");
    editManifest(aeSchedule, [](YAML::Node& m) { m["schedule"]["type"] = "cosine"; });
    VDS_EXPECT_THROW_MSG(vds::loadAutoencoder(aeSchedule), vds::ModelPackageError, "not used by autoencoder");
  }

  void wrongShapeTensorIsNamed() {
    const fs::path pkg = dir_ / "wrong_shape";
    auto manifest = YAML::LoadFile((packages_.image() / "model.yaml").string());
    auto tensors = vds::ModelPackage::open(packages_.image()).loadTensors();
    QVERIFY(tensors.count("conv_in.weight") == 1);
    tensors["conv_in.weight"] = torch::zeros({3, 3});
    vds::ModelPackage::save(pkg, manifest, tensors);
    VDS_EXPECT_THROW_MSG(vds::loadDiffusionModel(pkg), vds::ModelPackageError, "conv_in.weight");
    VDS_EXPECT_THROW_MSG(vds::loadDiffusionModel(pkg), vds::ModelPackageError, pkg.string().c_str());
  }

  void writersRejectInconsistentSpecs() {
    vds::ImageUNet unet(vds::test::tinyUNetOptions());
    auto spec = vds::test::tinySpec(false, 2);  // an image UNet makes 1-frame videos
    VDS_EXPECT_THROW_MSG(vds::saveDiffusionModel(dir_ / "bad_frames", {"x", "", {}}, vds::kKindImageUNet, *unet, spec),
                         vds::ModelPackageError, "latent.frames");
    QVERIFY(!fs::exists(dir_ / "bad_frames"));
    spec = vds::test::tinySpec(false, 1);
    spec.latent.channels = 8;
    VDS_EXPECT_THROW_MSG(vds::saveDiffusionModel(dir_ / "bad_ch", {"x", "", {}}, vds::kKindImageUNet, *unet, spec),
                         vds::ModelPackageError, "latent.channels");
    VDS_EXPECT_THROW_MSG(vds::saveDiffusionModel(dir_ / "bad_kind", {"x", "", {}}, vds::kKindVideoUNet, *unet,
                                                 vds::test::tinySpec(false, 1)),
                         vds::ModelPackageError, "not a video_unet");
    vds::TextEncoder text(vds::test::tinyTextOptions());
    VDS_EXPECT_THROW_MSG(vds::saveTextEncoder(dir_ / "bad_tok", {"t", "", {}}, text, vds::shapesTokenizer(32)),
                         vds::ModelPackageError, "conditioning.tokenizer");
  }

  void vocabularyCoversTheWorld() {
    vds::WorldOptions options;
    options.maxObjects = vds::kWorldMaxObjects;
    const vds::ShapesWorld world(options);
    const int maxLength = static_cast<int>(vds::shapesCaptionTokens(vds::kWorldMaxObjects));
    const vds::WordTokenizer tokenizer = vds::shapesTokenizer(maxLength);
    for (int64_t i = 0; i < 500; ++i) {
      const std::string caption = world.spec(i % 2 == 0 ? vds::Split::train : vds::Split::heldout, i).caption;
      const auto ids = tokenizer.encodeOne(caption);
      QVERIFY2(static_cast<int64_t>(ids.size()) <= maxLength, caption.c_str());
      for (int64_t id : ids) QVERIFY2(id != vds::WordTokenizer::kUnk, caption.c_str());
      QCOMPARE(tokenizer.decode(ids), caption);
    }
    QCOMPARE(vds::shapesCaptionTokens(2), int64_t{13});
  }
};

QTEST_GUILESS_MAIN(PipelinePackagesTest)
#include "test_pipeline_packages.moc"
