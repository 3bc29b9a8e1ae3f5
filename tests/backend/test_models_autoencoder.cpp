// The per-frame autoencoder: shapes, video helpers, options YAML, a short training run
// and latent-scale calibration.
#include "core/errors.h"
#include "models/autoencoder.h"
#include "support/test_support.h"

using vds::test::maxAbsDiff;
using torch::indexing::Slice;

namespace {

vds::AutoencoderOptions tinyOptions() {
  vds::AutoencoderOptions o;
  o.channels = {8, 16};
  o.maxGroups = 4;
  return o;
}

// Coloured squares on a dark background, one per image, at different places and sizes.
torch::Tensor squareImages() {
  const float colours[4][3] = {{1, -1, -1}, {-1, 1, -1}, {-1, -1, 1}, {1, 1, -1}};
  const int64_t corners[4][3] = {{2, 3, 12}, {14, 16, 10}, {8, 4, 16}, {18, 8, 9}};  // y, x, size
  auto images = torch::full({4, 3, 32, 32}, -0.8f);
  for (int i = 0; i < 4; ++i) {
    const auto [y, x, size] = std::tuple{corners[i][0], corners[i][1], corners[i][2]};
    for (int c = 0; c < 3; ++c)
      images.index_put_({i, c, Slice(y, y + size), Slice(x, x + size)}, colours[i][c]);
  }
  return images;
}

}  // namespace

class ModelsAutoencoderTest : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  // Tiny tensors: thread start-up and contention cost more than they save (25x on a busy 2-core box).
  void initTestCase() { torch::set_num_threads(1); }

  void init() { torch::manual_seed(3); }

  void shapesOfImagesAndVideos() {
    vds::Autoencoder ae;  // default size: 32x32x3 -> 8x8x4
    torch::NoGradGuard noGrad;
    auto z = ae->encode(torch::rand({2, 3, 32, 32}) * 2 - 1);
    QCOMPARE(z.sizes().vec(), (std::vector<int64_t>{2, 4, 8, 8}));
    QCOMPARE(ae->decode(z).sizes().vec(), (std::vector<int64_t>{2, 3, 32, 32}));

    vds::Autoencoder tiny(tinyOptions());
    auto video = torch::rand({2, 3, 3, 32, 32}) * 2 - 1;
    auto latents = tiny->encodeVideo(video);
    QCOMPARE(latents.sizes().vec(), (std::vector<int64_t>{2, 3, 4, 8, 8}));
    // Frame by frame: frame (1, 2) of the video is image 5 of the flattened batch.
    QVERIFY(maxAbsDiff(latents[1][2], tiny->encode(video.flatten(0, 1))[5]) < 1e-5);
    QCOMPARE(tiny->decodeVideo(latents).sizes().vec(), (std::vector<int64_t>{2, 3, 3, 32, 32}));
    // Encoding is deterministic.
    QCOMPARE(maxAbsDiff(tiny->encodeVideo(video), latents), 0.0);
  }

  void optionsYamlRoundTrip() {
    auto o = tinyOptions();
    o.blocksPerLevel = 2;
    const auto yaml = o.toYaml();
    const auto back = vds::AutoencoderOptions::fromYaml(YAML::Load(YAML::Dump(yaml)));
    QCOMPARE(back.channels, o.channels);
    QCOMPARE(back.blocksPerLevel, int64_t{2});
    QCOMPARE(YAML::Dump(back.toYaml()), YAML::Dump(yaml));
    VDS_EXPECT_THROW_MSG(vds::AutoencoderOptions::fromYaml(YAML::Load("channels: [8]\nlatent_chanels: 4")),
                         vds::ConfigError, "latent_chanels");
    VDS_EXPECT_THROW_MSG(vds::AutoencoderOptions::fromYaml(YAML::Load("channels: eight")), vds::ConfigError,
                         "channels");
  }

  void latentScaleIsABufferThatScalesEncodings() {
    vds::Autoencoder ae(tinyOptions());
    bool found = false;
    for (const auto& item : ae->named_buffers()) found = found || item.key() == "latent_scale";
    QVERIFY(found);
    torch::NoGradGuard noGrad;
    auto images = squareImages();
    auto unscaled = ae->encodeUnscaled(images);
    const double scale = ae->calibrateLatentScale(images);
    QVERIFY(std::abs(ae->latentScale() - scale) < 1e-5 * scale);  // the buffer is float32
    auto scaled = ae->encode(images);
    QVERIFY(std::abs(scaled.std().item<double>() - 1.0) < 1e-4);
    QVERIFY(maxAbsDiff(scaled, unscaled * scale) < 1e-5);
    // decode() undoes the scale: decoding scaled latents equals decoding unscaled ones raw.
    QVERIFY(maxAbsDiff(ae->decode(scaled), ae->decoder(unscaled)) < 1e-4);
  }

  void shortTrainingReducesReconstructionLoss() {
    vds::Autoencoder ae(tinyOptions());
    const auto images = squareImages();
    torch::optim::Adam optimiser(ae->parameters(), torch::optim::AdamOptions(3e-3));
    const double initial = vds::autoencoderLoss(ae, images).reconstruction.item<double>();
    double last = initial;
    for (int step = 0; step < 60; ++step) {
      auto loss = vds::autoencoderLoss(ae, images);
      optimiser.zero_grad();
      loss.total.backward();
      optimiser.step();
      last = loss.reconstruction.item<double>();
    }
    qInfo("autoencoder reconstruction MSE: %.4f -> %.4f", initial, last);
    QVERIFY(last < 0.5 * initial);
  }
};

QTEST_GUILESS_MAIN(ModelsAutoencoderTest)
#include "test_models_autoencoder.moc"
