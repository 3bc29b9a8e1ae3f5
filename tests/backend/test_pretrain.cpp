// The built-in world's pre-training jobs, end to end at micro scale: each job trains
// on the shared Trainer, its loss falls, and its exported package feeds the next job
// (autoencoder -> image -> style, motion -> i2v) and loads through the model zoo.
#include <set>

#include "eval/caption_probe.h"
#include "methods/pretrain.h"
#include "methods/registry.h"
#include "methods/run_setup.h"
#include "pipeline/generate.h"
#include "pipeline/model_zoo.h"
#include "support/test_support.h"

namespace fs = std::filesystem;

namespace {

// 16x16 frames, 2 frames a clip, tiny networks: seconds per job on one core.
std::string jobYaml(const std::string& job, int steps, const std::string& methodBody, const std::string& style = "plain") {
  return "run:\n  device: cpu\n  seed: 4\n  threads: 1\n"
         "data:\n  size: 16\n  frames: 2\n  batch_size: 4\n  clips: 64\n  max_objects: 1\n  style: " +
         style + "\ntrainer:\n  steps: " + std::to_string(steps) +
         "\n  log_every: 1\n  sample_every: 0\n  checkpoint_every: 0\n  warmup_steps: 0\n"
         "method:\n  name: " + job + "\n  " + job + ":\n" + methodBody;
}

const char* kTinyUNet =
    "    architecture: {base_channels: 16, channel_mults: [1], attention_levels: [0], heads: 2, max_groups: 8}\n";

std::vector<double> losses(const vds::CollectingSink& sink, const std::string& name) {
  std::vector<double> out;
  for (const auto& e : sink.only<vds::ScalarsEvent>()) out.push_back(e.values.at("loss/" + name));
  return out;
}

double meanOf(const std::vector<double>& v, size_t from, size_t to) {
  double s = 0;
  for (size_t i = from; i < to; ++i) s += v[i];
  return s / static_cast<double>(to - from);
}

std::vector<double> runJob(const std::string& yaml, const fs::path& runDir, const fs::path& exportDir,
                           const std::string& lossName) {
  const vds::Config config = vds::parseRunConfig(yaml, "job.yaml");
  vds::CollectingSink sink;
  auto trainer = vds::prepareRun(config, vds::RunPaths(runDir, exportDir), &sink);
  trainer->sampleNow();  // previews work before training, through the generation pipeline
  trainer->run();
  // QVERIFY cannot return a value: report through an exception the slot turns into a failure.
  if (sink.only<vds::SampleEvent>().empty()) throw std::runtime_error("no preview sample");
  const auto l = losses(sink, lossName);
  for (double v : l)
    if (!std::isfinite(v)) throw std::runtime_error("non-finite loss " + lossName);
  return l;
}

}  // namespace

class PretrainTest : public QObject {
  Q_OBJECT
 private:
  vds::test::TempDir dir_;

 private Q_SLOTS:
  void initTestCase() { torch::set_num_threads(1); }

  void registryListsEveryJob() {
    const auto names = vds::registeredMethodNames();
    for (const char* job : {"autoencoder", "image", "motion", "style", "i2v", "t2v", "evalnet"})
      QVERIFY2(std::find(names.begin(), names.end(), job) != names.end(), job);
    VDS_EXPECT_THROW_MSG(vds::createMethod("dmd9"), vds::ConfigError, "autoencoder, image");
    VDS_EXPECT_THROW_MSG(vds::parseRunConfig("method:\n  name: image\n  image:\n    lr_: 1\n", "x.yaml"),
                         vds::ConfigError, "x.yaml:4: unknown key 'method.image.lr_'; did you mean 'method.image.lr'?");
  }

  void autoencoderLearnsAndExports() {
    const auto l = runJob(jobYaml("autoencoder", 40,
                                  "    lr: 0.003\n    architecture: {channels: [8, 16], max_groups: 8}\n"),
                          dir_ / "run-ae", dir_ / "ae", "reconstruction");
    QVERIFY2(meanOf(l, 35, 40) < 0.6 * meanOf(l, 0, 5), qPrintable(QString("%1 -> %2").arg(l.front()).arg(l.back())));
    const vds::LoadedAutoencoder ae = vds::loadAutoencoder(dir_ / "ae");
    QVERIFY(ae.module->latentScale() > 0);
  }

  void imageModelLearnsAndChainsToStyleMotionAndI2V() {
    if (!fs::exists(dir_ / "ae")) QSKIP("needs the autoencoder package of the previous test");
    const std::string base = "    autoencoder: " + (dir_ / "ae").string() + "\n" + kTinyUNet +
                             "    text_architecture: {d_model: 32, layers: 1, heads: 2}\n    lr: 0.002\n";
    const auto l = runJob(jobYaml("image", 40, base), dir_ / "run-image", dir_ / "image", "denoise");
    QVERIFY2(meanOf(l, 30, 40) < 0.8 * meanOf(l, 0, 10), qPrintable(QString("%1 -> %2").arg(l.front()).arg(l.back())));
    QVERIFY(fs::exists(dir_ / "text-encoder" / "model.yaml"));

    // A style model starts from the image base: same architecture, frozen text encoder.
    // With offset noise its targets carry the offset too, so its first loss is larger than
    // the same step's without it (same seed, same batch, same timesteps).
    const std::string styleBody = "    base: " + (dir_ / "image").string() + "\n";
    const auto plainLoss = runJob(jobYaml("style", 3, styleBody, "pastel"), dir_ / "run-style0", dir_ / "style0", "denoise");
    const auto offsetLoss = runJob(jobYaml("style", 3, styleBody + "    offset_noise: 2.0\n", "pastel"), dir_ / "run-style",
                                   dir_ / "style-pastel", "denoise");
    QVERIFY2(offsetLoss.front() > plainLoss.front(), qPrintable(QString("%1 vs %2").arg(offsetLoss.front()).arg(plainLoss.front())));
    const auto trainingOf = [&](const char* package) {
      return YAML::LoadFile((dir_ / package / "model.yaml").string())["training"];
    };
    QCOMPARE(trainingOf("style-pastel")["offset_noise"].as<double>(), 2.0);  // recorded where used
    QVERIFY(!trainingOf("style0")["offset_noise"]);
    QCOMPARE(vds::loadDiffusionModel(dir_ / "style-pastel").kind, std::string(vds::kKindImageUNet));
    VDS_EXPECT_THROW_MSG(vds::prepareRun(vds::parseRunConfig(jobYaml("style", 1, "    base: x\n"), "s.yaml"),
                                         vds::RunPaths(dir_ / "run-bad"), nullptr),
                         vds::ConfigError, "non-plain style");

    // Motion modules on the frozen image model: the spatial part stays bit-identical.
    const std::string motion = "    base: " + (dir_ / "image").string() + "\n    motion_architecture: {heads: 2}\n";
    const auto motionLoss = runJob(jobYaml("motion", 4, motion), dir_ / "run-motion", dir_ / "t2v", "denoise");
    vds::LoadedDiffusionModel image = vds::loadDiffusionModel(dir_ / "image");
    vds::LoadedDiffusionModel video = vds::loadDiffusionModel(dir_ / "t2v");
    QCOMPARE(video.kind, std::string(vds::kKindVideoUNet));
    const auto imageState = vds::namedState(*image.module);
    for (const auto& [name, value] : vds::namedState(*video.videoUNet()->spatial))
      QVERIFY2(torch::equal(value, imageState.at(name)), name.c_str());

    // frame_embedding trains with the motion modules (from zero), also while the spatial
    // part stays frozen, and the package keeps it.
    runJob(jobYaml("motion", 2, "    base: " + (dir_ / "image").string() +
                                    "\n    motion_architecture: {heads: 2, frame_embedding: true}\n"),
           dir_ / "run-motion-frame", dir_ / "t2v-frame", "denoise");
    vds::LoadedDiffusionModel videoFrame = vds::loadDiffusionModel(dir_ / "t2v-frame");
    QVERIFY(videoFrame.videoUNet()->frame_embed);
    QVERIFY(videoFrame.videoUNet()->frame_embed->weight.abs().max().item<double>() > 0);
    for (const auto& [name, value] : vds::namedState(*videoFrame.videoUNet()->spatial))
      QVERIFY2(torch::equal(value, imageState.at(name)), name.c_str());

    // The caption probe reads the trained package: one row per level, a finite gap per
    // variant, and results that do not depend on the batch size. The empty caption moves
    // the text context the most (every word changes), and an image model is refused.
    vds::CaptionProbeOptions probe;
    probe.model = dir_ / "t2v";
    probe.n = 3;
    probe.levels = 2;
    probe.draws = 1;
    probe.batchSize = 2;
    const vds::CaptionProbeReport report = vds::probeCaptions(probe);
    QCOMPARE(report.rows.size(), size_t{2});
    QVERIFY(report.rows[0].t > report.rows[1].t);
    for (const auto& row : report.rows) {
      QVERIFY(std::isfinite(row.loss) && row.loss > 0);
      QCOMPARE(row.gap.size(), size_t{4});
      for (double g : row.gap) QVERIFY(std::isfinite(g));
    }
    QVERIFY(report.contextDistance[3] > report.contextDistance[0]);
    probe.batchSize = 3;
    const vds::CaptionProbeReport whole = vds::probeCaptions(probe);
    for (size_t l = 0; l < 2; ++l) {
      QVERIFY(std::abs(whole.rows[l].loss - report.rows[l].loss) < 1e-5 * report.rows[l].loss);
      for (size_t v = 0; v < 4; ++v) QVERIFY(std::abs(whole.rows[l].gap[v] - report.rows[l].gap[v]) < 1e-4);
    }
    QVERIFY(report.formatTable().find("direction") != std::string::npos);
    QCOMPARE(report.toJson()["levels"].size(), size_t{2});
    probe.model = dir_ / "image";
    VDS_EXPECT_THROW_MSG(vds::probeCaptions(probe), vds::ConfigError, "needs a video model");

    // With spatial_lr_scale > 0 the spatial layers train too, and so do the motion modules.
    runJob(jobYaml("motion", 2, motion + "    spatial_lr_scale: 0.5\n    p2_gamma: 1\n"), dir_ / "run-motion-all", dir_ / "t2v-all",
           "denoise");
    vds::LoadedDiffusionModel videoAll = vds::loadDiffusionModel(dir_ / "t2v-all");
    const auto frozenMotion = vds::namedState(*video.videoUNet()->motion);
    size_t spatialChanged = 0, spatialTotal = 0, motionChanged = 0;
    for (const auto& [name, value] : vds::namedState(*videoAll.videoUNet()->spatial)) {
      ++spatialTotal;
      if (!torch::equal(value, imageState.at(name))) ++spatialChanged;
    }
    for (const auto& [name, value] : vds::namedState(*videoAll.videoUNet()->motion))
      if (!torch::equal(value, frozenMotion.at(name))) ++motionChanged;
    QVERIFY2(spatialChanged > spatialTotal / 2, qPrintable(QString("%1 of %2").arg(spatialChanged).arg(spatialTotal)));
    QVERIFY(motionChanged > 0);
    // model.yaml records the options that shaped the weights, and only those in use.
    const YAML::Node allTraining = trainingOf("t2v-all");
    QCOMPARE(allTraining["spatial_lr_scale"].as<double>(), 0.5);
    QCOMPARE(allTraining["p2_gamma"].as<double>(), 1.0);
    QCOMPARE(allTraining["p2_k"].as<double>(), 1.0);
    QVERIFY(!trainingOf("t2v")["spatial_lr_scale"]);
    QVERIFY(!trainingOf("t2v")["p2_gamma"]);

    // The direction-contrast term: logged apart from the denoising loss, within the
    // hinge's range [0, 1 + margin], and recorded. Its negatives draw their random numbers
    // after the step's noise, so the first step denoises exactly as without it.
    const vds::Config contrastConfig =
        vds::parseRunConfig(jobYaml("motion", 3, motion + "    direction_contrast: 1\n    direction_contrast_margin: 0.5\n"), "c.yaml");
    vds::CollectingSink contrastSink;
    vds::prepareRun(contrastConfig, vds::RunPaths(dir_ / "run-motion-contrast", dir_ / "t2v-contrast"), &contrastSink)->run();
    const auto contrast = losses(contrastSink, "direction_contrast");
    QCOMPARE(contrast.size(), size_t{3});
    for (double v : contrast) QVERIFY2(v >= 0 && v <= 1.5, qPrintable(QString::number(v)));
    QVERIFY(contrast.front() > 0.3);  // at the start the direction word barely matters: ratio near 1
    // (the logged denoising loss is the total minus the weighted term: equal up to rounding)
    QVERIFY(std::abs(losses(contrastSink, "denoise").front() - motionLoss.front()) < 1e-6 * motionLoss.front());
    QCOMPARE(trainingOf("t2v-contrast")["direction_contrast"].as<double>(), 1.0);
    QCOMPARE(trainingOf("t2v-contrast")["direction_contrast_margin"].as<double>(), 0.5);

    // clean_first_frame: the job trains (finite losses) and records the option; the
    // transform itself is checked in cleanFirstFrameIsClosedForm.
    const auto cleanLoss =
        runJob(jobYaml("motion", 2, motion + "    clean_first_frame: 1\n"), dir_ / "run-motion-clean", dir_ / "t2v-clean", "denoise");
    QCOMPARE(cleanLoss.size(), size_t{2});
    QVERIFY(cleanLoss.front() != motionLoss.front());
    QCOMPARE(trainingOf("t2v-clean")["clean_first_frame"].as<double>(), 1.0);
    QVERIFY(!trainingOf("t2v")["clean_first_frame"]);

    // prediction: v trains against alpha eps - sigma x0 instead of eps. The first step sees
    // the same network, batch, timesteps and noise as the eps run, so only the target
    // differs; the package records v, and the sampler and the caption probe read it.
    const std::string trained = motion + "    spatial_lr_scale: 1\n";
    const auto epsLoss = runJob(jobYaml("motion", 1, trained), dir_ / "run-motion-eps", dir_ / "t2v-eps", "denoise");
    const auto vLoss = runJob(jobYaml("motion", 1, trained + "    prediction: v\n"), dir_ / "run-motion-v", dir_ / "t2v-v",
                              "denoise");
    QVERIFY2(std::abs(vLoss.front() - epsLoss.front()) > 1e-3 * epsLoss.front(),
             qPrintable(QString("%1 vs %2").arg(vLoss.front()).arg(epsLoss.front())));
    QVERIFY(vds::loadDiffusionModel(dir_ / "t2v-v").spec.parameterisation == vds::diffusion::Parameterisation::v);
    QVERIFY(vds::loadDiffusionModel(dir_ / "t2v-eps").spec.parameterisation == vds::diffusion::Parameterisation::eps);
    vds::CaptionProbeOptions vProbe;
    vProbe.model = dir_ / "t2v-v";
    vProbe.n = 2;
    vProbe.levels = 2;
    vProbe.draws = 1;
    for (const auto& row : vds::probeCaptions(vProbe).rows) QVERIFY(std::isfinite(row.loss) && row.loss > 0);
    // Frozen spatial layers would keep the image base's eps output; other values are refused.
    VDS_EXPECT_THROW_MSG(vds::prepareRun(vds::parseRunConfig(jobYaml("motion", 1, motion + "    prediction: v\n"), "v.yaml"),
                                         vds::RunPaths(dir_ / "run-v-frozen"), nullptr),
                         vds::ConfigError, "method.motion.prediction: 'v' needs the spatial layers to train");
    VDS_EXPECT_THROW_MSG(vds::prepareRun(vds::parseRunConfig(jobYaml("motion", 1, trained + "    prediction: x0\n"), "x.yaml"),
                                         vds::RunPaths(dir_ / "run-x0"), nullptr),
                         vds::ConfigError, "method.motion.prediction: 'x0' is not one of eps, v");

    // With text_lr_scale the text encoder trains with the video UNet and is exported beside
    // the teacher ("NAME-text-encoder"), which references it; the base's text encoder, which
    // the image and style models keep using, is left as it was.
    const auto canonical = [](const fs::path& p) { return fs::weakly_canonical(p); };
    const auto textState = [](const fs::path& dir) { return vds::namedState(*vds::loadTextEncoder(dir).module); };
    const auto baseText = textState(dir_ / "text-encoder");
    QCOMPARE(canonical(video.textEncoderPath()), canonical(dir_ / "text-encoder"));
    runJob(jobYaml("motion", 2, motion + "    text_lr_scale: 2\n"), dir_ / "run-motion-text", dir_ / "t2v-text", "denoise");
    const vds::LoadedDiffusionModel videoText = vds::loadDiffusionModel(dir_ / "t2v-text");
    QCOMPARE(canonical(videoText.textEncoderPath()), canonical(dir_ / "t2v-text-text-encoder"));
    QCOMPARE(trainingOf("t2v-text")["text_lr_scale"].as<double>(), 2.0);
    QVERIFY(!trainingOf("t2v")["text_lr_scale"]);
    QCOMPARE(YAML::LoadFile((dir_ / "t2v-text-text-encoder" / "model.yaml").string())["name"].as<std::string>(),
             std::string("shapes-video-text-encoder"));
    size_t textChanged = 0;
    for (const auto& [name, value] : textState(dir_ / "t2v-text-text-encoder"))
      if (!torch::equal(value, baseText.at(name))) ++textChanged;
    QVERIFY2(textChanged > baseText.size() / 2, qPrintable(QString("%1 of %2").arg(textChanged).arg(baseText.size())));
    for (const auto& [name, value] : textState(dir_ / "text-encoder")) QVERIFY2(torch::equal(value, baseText.at(name)), name.c_str());
    // The run's samples and a generation from the package use the trained encoder.
    vds::GenerationModels textModels = vds::GenerationModels::load(dir_ / "t2v-text");
    QCOMPARE(canonical(textModels.textEncoder->package.dir()), canonical(dir_ / "t2v-text-text-encoder"));
    // An explicit text_encoder_export is honoured.
    runJob(jobYaml("motion", 1, motion + "    text_lr_scale: 1\n    text_encoder_export: " + (dir_ / "text-b").string() + "\n"),
           dir_ / "run-motion-text-b", dir_ / "t2v-text-b", "denoise");
    QCOMPARE(canonical(vds::loadDiffusionModel(dir_ / "t2v-text-b").textEncoderPath()),
             canonical(dir_ / "text-b"));
    // An i2v teacher started from it keeps its text encoder.
    runJob(jobYaml("i2v", 1, "    base: " + (dir_ / "t2v-text").string() + "\n"), dir_ / "run-i2v-text", dir_ / "i2v-text",
           "denoise");
    QCOMPARE(canonical(vds::loadDiffusionModel(dir_ / "i2v-text").textEncoderPath()),
             canonical(dir_ / "t2v-text-text-encoder"));

    // The image-to-video teacher starts from the text-to-video teacher.
    runJob(jobYaml("i2v", 3, "    base: " + (dir_ / "t2v").string() + "\n"), dir_ / "run-i2v", dir_ / "i2v", "denoise");
    vds::GenerationModels models = vds::GenerationModels::load(dir_ / "i2v");
    QVERIFY(models.isImageToVideo());
    QCOMPARE(models.model.spec.schedule.sigmaMax, 700.0);
    // The caption probe conditions an i2v model on the clips' first frames too; its levels
    // are sigmas.
    vds::CaptionProbeOptions i2vProbe;
    i2vProbe.model = dir_ / "i2v";
    i2vProbe.n = 2;
    i2vProbe.at = {80.0, 1.0};
    i2vProbe.draws = 1;
    const vds::CaptionProbeReport i2vReport = vds::probeCaptions(i2vProbe);
    QCOMPARE(i2vReport.rows.size(), size_t{2});
    QCOMPARE(i2vReport.rows[0].t, 80.0);
    QCOMPARE(i2vReport.rows[1].sigma, 1.0);
    for (const auto& row : i2vReport.rows)
      for (double g : row.gap) QVERIFY(std::isfinite(g));
    QVERIFY(!models.model.i2vUNet()->i2vOptions().firstFrameMask);
    // Without the frame (the zero latent of the unguided image branch) the losses differ,
    // and the report says so; a text-to-video model has no frame to drop.
    i2vProbe.dropFirstFrame = true;
    const vds::CaptionProbeReport dropped = vds::probeCaptions(i2vProbe);
    QVERIFY(std::abs(dropped.rows[1].loss - i2vReport.rows[1].loss) > 1e-6 * i2vReport.rows[1].loss);
    QVERIFY(dropped.formatTable().find("first frame dropped") != std::string::npos);
    QCOMPARE(dropped.toJson()["drop_first_frame"].get<bool>(), true);
    i2vProbe.model = dir_ / "t2v";
    VDS_EXPECT_THROW_MSG(vds::probeCaptions(i2vProbe), vds::ConfigError, "dropping the first frame needs an image-to-video");

    // With the frame mask, the input convolution has one more channel. At learning rate 0
    // the export is the initialisation: the teacher's weights on the noisy-latent channels,
    // zeros on the first-frame and mask channels.
    runJob(jobYaml("i2v", 1, "    base: " + (dir_ / "t2v").string() + "\n    first_frame_mask: true\n    lr: 0\n"),
           dir_ / "run-i2v-mask", dir_ / "i2v-mask", "denoise");
    vds::GenerationModels masked = vds::GenerationModels::load(dir_ / "i2v-mask");
    QVERIFY(masked.model.i2vUNet()->i2vOptions().firstFrameMask);
    const torch::Tensor convIn = vds::namedState(*masked.model.module).at("spatial.conv_in.weight");
    const torch::Tensor teacherIn = vds::namedState(*video.module).at("spatial.conv_in.weight");
    const int64_t latent = teacherIn.size(1);
    QCOMPARE(convIn.size(1), 2 * latent + 1);
    QVERIFY(torch::equal(convIn.narrow(1, 0, latent), teacherIn));
    QCOMPARE(convIn.narrow(1, latent, latent + 1).abs().max().item<double>(), 0.0);

    // With first-frame channels, latent_channels more zero input channels.
    runJob(jobYaml("i2v", 1, "    base: " + (dir_ / "t2v").string() + "\n    first_frame_channels: true\n    lr: 0\n"),
           dir_ / "run-i2v-own", dir_ / "i2v-own", "denoise");
    vds::GenerationModels own = vds::GenerationModels::load(dir_ / "i2v-own");
    QVERIFY(own.model.i2vUNet()->i2vOptions().firstFrameChannels);
    const torch::Tensor ownIn = vds::namedState(*own.model.module).at("spatial.conv_in.weight");
    QCOMPARE(ownIn.size(1), 3 * latent);
    QVERIFY(torch::equal(ownIn.narrow(1, 0, latent), teacherIn));
    QCOMPARE(ownIn.narrow(1, latent, 2 * latent).abs().max().item<double>(), 0.0);
  }

  // The t2v job: the i2v network's frame-free branch, exported as a video_unet that keeps
  // its EDM preconditioning on the image base's DDPM schedule. At learning rate 0, its x0
  // at DDPM levels equals the i2v model's under a zero first frame at the matching scaled
  // sigma. It trains (loss falls), previews with DDIM, reads captions in the probe, and
  // is refused a base that is not an i2v model.
  void frameFreeTeacherFromI2V() {
    if (!fs::exists(dir_ / "i2v-own")) QSKIP("needs the i2v packages of the chain test");
    // A frame-0 copy channel of its own, trained away from zero so that cutting it matters.
    runJob(jobYaml("i2v", 4, "    base: " + (dir_ / "t2v").string() + "\n    first_frame_channels: true\n    lr: 0.01\n"),
           dir_ / "run-i2v-ff", dir_ / "i2v-ff", "denoise");
    const std::string body = "    base: " + (dir_ / "i2v-ff").string() + "\n";
    runJob(jobYaml("t2v", 1, body + "    lr: 0\n"), dir_ / "run-t2v0", dir_ / "t2v-ff0", "denoise");
    const vds::LoadedDiffusionModel i2v = vds::loadDiffusionModel(dir_ / "i2v-ff");
    const vds::LoadedDiffusionModel ff = vds::loadDiffusionModel(dir_ / "t2v-ff0");
    QCOMPARE(ff.kind, std::string(vds::kKindVideoUNet));
    QCOMPARE(int(ff.spec.parameterisation), int(vds::diffusion::Parameterisation::edm_v));
    QVERIFY(!ff.spec.schedule.edm);
    const auto schedule = ff.spec.schedule.ddpmSchedule();
    QVERIFY(schedule.alphasCumprod() == vds::loadDiffusionModel(dir_ / "image").spec.schedule.ddpmSchedule().alphasCumprod());
    QCOMPARE(fs::weakly_canonical(ff.textEncoderPath()), fs::weakly_canonical(i2v.textEncoderPath()));
    const torch::Tensor cut = vds::namedState(*ff.module).at("spatial.conv_in.weight");
    QCOMPARE(cut.size(1), ff.spec.latent.channels);
    QVERIFY(vds::namedState(*i2v.module).at("spatial.conv_in.weight").narrow(1, ff.spec.latent.channels, ff.spec.latent.channels)
                .abs().max().item<double>() > 0);
    {
      torch::NoGradGuard noGrad;
      vds::LoadedTextEncoder text = vds::loadTextEncoder(ff.textEncoderPath());
      vds::diffusion::Conditioning cond;
      cond.context = text.module->encode(text.tokenizer, {"a red circle moving left", ""}).context;
      vds::diffusion::Conditioning framed = cond;
      const auto& l = ff.spec.latent;
      framed.image = torch::zeros({2, l.channels, l.height, l.width});
      const torch::Tensor x = torch::randn({2, l.frames, l.channels, l.height, l.width});
      const vds::diffusion::Denoiser video = vds::makeDenoiser(ff), image = vds::makeDenoiser(i2v);
      for (double t : {999.0, 500.0, 30.0}) {
        const vds::diffusion::NoiseLevel lvl = schedule.level(t);
        const vds::diffusion::NoiseLevel scaled{1.0, lvl.scaledSigma(), lvl.scaledSigma()};
        const torch::Tensor a = video.x0(x, lvl, cond), b = image.x0(x / lvl.alpha, scaled, framed);
        QVERIFY2(vds::test::maxAbsDiff(a, b) < 1e-4 * (1 + b.abs().max().item<double>()), qPrintable(QString::number(t)));
        framed.image.normal_();  // with a real frame the branches differ
        QVERIFY(vds::test::maxAbsDiff(a, image.x0(x / lvl.alpha, scaled, framed)) > 1e-4);
        framed.image.zero_();
      }
    }
    // The EDM loss swings with the drawn sigma, so compare with the same 40 steps (same
    // batches, sigmas and noise) run at learning rate 0.
    const auto frozen = runJob(jobYaml("t2v", 40, body + "    lr: 0\n"), dir_ / "run-t2v-lr0", dir_ / "t2v-lr0", "denoise");
    const auto l = runJob(jobYaml("t2v", 40, body + "    lr: 0.002\n"), dir_ / "run-t2v-ff", dir_ / "t2v-ff", "denoise");
    QCOMPARE(l.front(), frozen.front());
    QVERIFY2(meanOf(l, 20, 40) < 0.9 * meanOf(frozen, 20, 40),
             qPrintable(QString("%1 vs %2 untrained").arg(meanOf(l, 20, 40)).arg(meanOf(frozen, 20, 40))));
    vds::CaptionProbeOptions probe;
    probe.model = dir_ / "t2v-ff";
    probe.n = 2;
    probe.at = {999.0, 100.0};
    probe.draws = 1;
    for (const auto& row : vds::probeCaptions(probe).rows)
      for (double g : row.gap) QVERIFY(std::isfinite(g));
    VDS_EXPECT_THROW_MSG(vds::prepareRun(vds::parseRunConfig(jobYaml("t2v", 1, "    base: " + (dir_ / "t2v").string() + "\n"),
                                                             "t.yaml"),
                                         vds::RunPaths(dir_ / "run-t2v-bad"), nullptr),
                         vds::ConfigError, "is eps with sigma_data");
    VDS_EXPECT_THROW_MSG(vds::prepareRun(vds::parseRunConfig(jobYaml("t2v", 1, "    base: " + (dir_ / "image").string() + "\n"),
                                                             "t.yaml"),
                                         vds::RunPaths(dir_ / "run-t2v-bad2"), nullptr),
                         vds::ConfigError, "is a image_unet, not a i2v_unet or video_unet");
  }

  // The t2v job goes on from a package it made, and trainer.ema_decay exports an EMA of the
  // network: after one step at decay d the export is d * start + (1 - d) * the raw weights.
  void frameFreeTeacherContinuesWithEma() {
    if (!fs::exists(dir_ / "t2v-ff")) QSKIP("needs the t2v package of the previous test");
    const std::string body = "    base: " + (dir_ / "t2v-ff").string() + "\n";
    const auto withEma = [](std::string yaml, double decay) {
      const std::string at = "  warmup_steps: 0\n";
      return yaml.replace(yaml.find(at), at.size(), at + "  ema_decay: " + std::to_string(decay) + "\n");
    };
    runJob(jobYaml("t2v", 1, body + "    lr: 0\n"), dir_ / "run-t2v-again0", dir_ / "t2v-again0", "denoise");
    runJob(jobYaml("t2v", 1, body + "    lr: 0.01\n    p_mean: 1.0\n"), dir_ / "run-t2v-raw", dir_ / "t2v-raw", "denoise");
    runJob(withEma(jobYaml("t2v", 1, body + "    lr: 0.01\n    p_mean: 1.0\n"), 0.25), dir_ / "run-t2v-ema", dir_ / "t2v-ema",
           "denoise");
    const auto start = vds::namedState(*vds::loadDiffusionModel(dir_ / "t2v-ff").module);
    const auto same = vds::namedState(*vds::loadDiffusionModel(dir_ / "t2v-again0").module);
    const auto raw = vds::namedState(*vds::loadDiffusionModel(dir_ / "t2v-raw").module);
    const auto ema = vds::namedState(*vds::loadDiffusionModel(dir_ / "t2v-ema").module);
    QCOMPARE(same.size(), start.size());
    double moved = 0;
    for (const auto& [name, w0] : start) {
      QVERIFY2(torch::equal(same.at(name), w0), name.c_str());  // learning rate 0: the package itself
      moved = std::max(moved, vds::test::maxAbsDiff(raw.at(name), w0));
      const torch::Tensor expected = 0.25 * w0 + 0.75 * raw.at(name);
      QVERIFY2(vds::test::maxAbsDiff(ema.at(name), expected) < 1e-6 * (1 + expected.abs().max().item<double>()),
               name.c_str());
    }
    QVERIFY(moved > 1e-4);  // the step did move the raw weights
    const YAML::Node training = YAML::LoadFile((dir_ / "t2v-ema" / "model.yaml").string())["training"];
    QCOMPARE(training["ema_decay"].as<double>(), 0.25);
    QCOMPARE(training["p_mean"].as<double>(), 1.0);  // the noise-level distribution, where not the default
    QCOMPARE(training["p_std"].as<double>(), 1.6);
    QVERIFY(!YAML::LoadFile((dir_ / "t2v-raw" / "model.yaml").string())["training"]["ema_decay"]);
    QVERIFY(!YAML::LoadFile((dir_ / "t2v-again0" / "model.yaml").string())["training"]["p_mean"]);
    // The image job trains its text encoder with the UNet, which an EMA would not follow.
    if (fs::exists(dir_ / "ae"))
      VDS_EXPECT_THROW_MSG(
          vds::prepareRun(vds::parseRunConfig(withEma(jobYaml("image", 1, "    autoencoder: " + (dir_ / "ae").string() + "\n"),
                                                      0.5),
                                              "i.yaml"),
                          vds::RunPaths(dir_ / "run-image-ema"), nullptr),
          vds::ConfigError, "trainer.ema_decay: the image job trains the text encoder");
  }

  // method.t2v.distil_guidance: the target is the frozen base's guided raw output, whose
  // guidance is the sampler's (x0 = c_skip x + c_out F is affine in F). At weight 1 the
  // base already meets its target; at weight 4 it does not, and training closes the gap.
  void t2vDistilsGuidance() {
    if (!fs::exists(dir_ / "t2v-ff")) QSKIP("needs the t2v package of the frame-free test");
    const vds::LoadedDiffusionModel base = vds::loadDiffusionModel(dir_ / "t2v-ff");
    {
      torch::NoGradGuard noGrad;
      auto& net = dynamic_cast<vds::VideoUNetImpl&>(*base.module);
      net.eval();
      vds::LoadedTextEncoder text = vds::loadTextEncoder(base.textEncoderPath());
      const torch::Tensor context = text.module->encode(text.tokenizer, {"a red circle moving left", "a blue square moving up"}).context;
      const torch::Tensor empty = text.module->encode(text.tokenizer, {"", ""}).context;
      const auto& l = base.spec.latent;
      torch::manual_seed(11);
      const torch::Tensor x = torch::randn({2, l.frames, l.channels, l.height, l.width});
      const vds::diffusion::Denoiser denoiser = vds::makeDenoiser(base);
      vds::diffusion::Conditioning cond, uncond;
      cond.context = context;
      uncond.context = empty;
      for (double s : {0.5, 3.0, 40.0}) {
        const double cIn = 1 / std::sqrt(s * s + 1), cSkip = 1 / (s * s + 1), cOut = -s / std::sqrt(s * s + 1);
        const torch::Tensor cNoise = torch::full({2}, std::log(s) / 4);
        const torch::Tensor guided = vds::guidedOutput(net, cIn * x, cNoise, context, empty, 4.0);
        const torch::Tensor c = net.forward(cIn * x, cNoise, context), u = net.forward(cIn * x, cNoise, empty);
        QVERIFY(vds::test::maxAbsDiff(c, u) > 1e-4);  // the caption matters, so the check below can fail
        QVERIFY(vds::test::maxAbsDiff(guided, u + 4.0 * (c - u)) < 1e-4 * (1 + guided.abs().max().item<double>()));
        const torch::Tensor x0 = denoiser.x0Guided(x, vds::diffusion::NoiseLevel{1.0, s, s}, cond, uncond, 4.0);
        const torch::Tensor expected = cSkip * x + cOut * guided;
        QVERIFY2(vds::test::maxAbsDiff(x0, expected) < 1e-4 * (1 + expected.abs().max().item<double>()),
                 qPrintable(QString::number(s)));
      }
    }
    const std::string body = "    base: " + (dir_ / "t2v-ff").string() + "\n";
    const auto one = runJob(jobYaml("t2v", 3, body + "    lr: 0\n    distil_guidance: 1\n"), dir_ / "run-guide1",
                            dir_ / "t2v-guide1", "denoise");
    for (double v : one) QVERIFY2(v < 1e-8, qPrintable(QString::number(v)));
    const auto frozen = runJob(jobYaml("t2v", 30, body + "    lr: 0\n    distil_guidance: 4\n"), dir_ / "run-guide0",
                               dir_ / "t2v-guide0", "denoise");
    const auto l = runJob(jobYaml("t2v", 30, body + "    lr: 0.0003\n    distil_guidance: 4\n"), dir_ / "run-guide",
                          dir_ / "t2v-guide", "denoise");
    QVERIFY(frozen.front() > 1e-5);
    QCOMPARE(l.front(), frozen.front());
    QVERIFY2(meanOf(l, 20, 30) < 0.6 * meanOf(frozen, 20, 30),
             qPrintable(QString("%1 vs %2 untrained").arg(meanOf(l, 20, 30)).arg(meanOf(frozen, 20, 30))));
    QCOMPARE(YAML::LoadFile((dir_ / "t2v-guide" / "model.yaml").string())["training"]["distil_guidance"].as<double>(), 4.0);
    // It samples without guidance by default: DDIM at the previews' 25 trailing steps.
    const vds::LoadedDiffusionModel guided = vds::loadDiffusionModel(dir_ / "t2v-guide");
    QVERIFY(guided.spec.sampling.has_value());
    QCOMPARE(int(guided.spec.sampling->sampler), int(vds::diffusion::SamplerKind::ddim));
    QCOMPARE(guided.spec.sampling->cfg, 1.0);
    QCOMPARE(guided.spec.sampling->timesteps.size(), size_t{25});
    QCOMPARE(guided.spec.sampling->timesteps.front(), 999.0);
    QCOMPARE(guided.spec.sampling->timesteps.back(), 39.0);
    QVERIFY(!vds::loadDiffusionModel(dir_ / "t2v-again0").spec.sampling);
    QVERIFY(!YAML::LoadFile((dir_ / "t2v-again0" / "model.yaml").string())["training"]["distil_guidance"]);
  }

  // The style job also starts from a text-to-video package's spatial part: at learning rate
  // 0 the export is that image UNet bit for bit, an edm_v base keeps edm_v (its x0 is the
  // EDM formula on the DDPM levels) and trains with the EDM loss, an eps base keeps eps,
  // and the eps-only options are refused for an edm_v base.
  void styleModelFromAVideoTeachersSpatialPart() {
    if (!fs::exists(dir_ / "t2v-ff")) QSKIP("needs the t2v package of the frame-free test");
    const std::string body = "    base: " + (dir_ / "t2v-ff").string() + "\n";
    runJob(jobYaml("style", 1, body + "    lr: 0\n", "pastel"), dir_ / "run-style-v0", dir_ / "style-v0", "denoise");
    const vds::LoadedDiffusionModel video = vds::loadDiffusionModel(dir_ / "t2v-ff");
    const vds::LoadedDiffusionModel style = vds::loadDiffusionModel(dir_ / "style-v0");
    QCOMPARE(style.kind, std::string(vds::kKindImageUNet));
    QCOMPARE(int(style.spec.parameterisation), int(vds::diffusion::Parameterisation::edm_v));
    QVERIFY(!style.spec.schedule.edm);
    QCOMPARE(style.spec.latent.frames, int64_t{1});
    QCOMPARE(fs::weakly_canonical(style.textEncoderPath()), fs::weakly_canonical(video.textEncoderPath()));
    const auto spatial = vds::namedState(*video.videoUNet()->spatial);
    const auto copied = vds::namedState(*style.module);
    QCOMPARE(copied.size(), spatial.size());
    for (const auto& [name, w] : spatial) QVERIFY2(torch::equal(copied.at(name), w), name.c_str());
    QCOMPARE(YAML::LoadFile((dir_ / "style-v0" / "model.yaml").string())["training"]["p_std"].as<double>(), 1.6);
    {
      torch::NoGradGuard noGrad;
      auto& net = dynamic_cast<vds::ImageUNetImpl&>(*style.module);
      vds::LoadedTextEncoder text = vds::loadTextEncoder(style.textEncoderPath());
      vds::diffusion::Conditioning cond;
      cond.context = text.module->encode(text.tokenizer, {"a red circle moving left", ""}).context;
      const auto& l = style.spec.latent;
      torch::manual_seed(12);
      const torch::Tensor x = torch::randn({2, l.channels, l.height, l.width});
      const vds::diffusion::Denoiser denoiser = vds::makeDenoiser(style);
      const auto schedule = style.spec.schedule.ddpmSchedule();
      for (double t : {999.0, 400.0, 20.0}) {
        const vds::diffusion::NoiseLevel lvl = schedule.level(t);
        const double s = lvl.scaledSigma(), norm = std::sqrt(s * s + 1);
        const torch::Tensor f = net.forward(x / (lvl.alpha * norm), torch::full({2}, std::log(s) / 4), cond.context);
        const torch::Tensor expected = x / lvl.alpha / (s * s + 1) - s / norm * f;
        const torch::Tensor x0 = denoiser.x0(x, lvl, cond);
        QVERIFY2(vds::test::maxAbsDiff(x0, expected) < 1e-4 * (1 + expected.abs().max().item<double>()),
                 qPrintable(QString::number(t)));
      }
    }
    // The EDM loss at the same batches and sigmas, with and without learning.
    const auto frozen = runJob(jobYaml("style", 30, body + "    lr: 0\n", "pastel"), dir_ / "run-style-vf", dir_ / "style-vf",
                               "denoise");
    const auto l = runJob(jobYaml("style", 30, body + "    lr: 0.002\n", "pastel"), dir_ / "run-style-v", dir_ / "style-v",
                          "denoise");
    QCOMPARE(l.front(), frozen.front());
    QVERIFY2(meanOf(l, 15, 30) < 0.9 * meanOf(frozen, 15, 30),
             qPrintable(QString("%1 vs %2 untrained").arg(meanOf(l, 15, 30)).arg(meanOf(frozen, 15, 30))));
    // An eps video base (the motion job's) gives an eps style model of its spatial part.
    runJob(jobYaml("style", 1, "    base: " + (dir_ / "t2v").string() + "\n    lr: 0\n", "pastel"), dir_ / "run-style-e0",
           dir_ / "style-e0", "denoise");
    const vds::LoadedDiffusionModel eps = vds::loadDiffusionModel(dir_ / "style-e0");
    QCOMPARE(int(eps.spec.parameterisation), int(vds::diffusion::Parameterisation::eps));
    const auto epsSpatial = vds::namedState(*vds::loadDiffusionModel(dir_ / "t2v").videoUNet()->spatial);
    for (const auto& [name, w] : vds::namedState(*eps.module)) QVERIFY2(torch::equal(epsSpatial.at(name), w), name.c_str());
    VDS_EXPECT_THROW_MSG(vds::prepareRun(vds::parseRunConfig(jobYaml("style", 1, body + "    offset_noise: 0.5\n", "pastel"),
                                                             "s.yaml"),
                                         vds::RunPaths(dir_ / "run-style-bad"), nullptr),
                         vds::ConfigError, "method.style.offset_noise applies to eps bases only");
    VDS_EXPECT_THROW_MSG(vds::prepareRun(vds::parseRunConfig(jobYaml("style", 1, "    base: " + (dir_ / "i2v-ff").string() +
                                                                                     "\n", "pastel"),
                                                             "s.yaml"),
                                         vds::RunPaths(dir_ / "run-style-bad2"), nullptr),
                         vds::ConfigError, "is a i2v_unet, not a image_unet or video_unet");
  }

  // The i2v job goes on from an i2v package it made: at learning rate 0 the export is the
  // package bit for bit, a step moves it and keeps its first-frame inputs, and the job's
  // first-frame options must agree with the base's.
  void i2vTeacherContinuesFromItsOwnPackage() {
    if (!fs::exists(dir_ / "i2v-ff")) QSKIP("needs the i2v package of the frame-free test");
    const std::string body = "    base: " + (dir_ / "i2v-ff").string() + "\n    first_frame_channels: true\n";
    runJob(jobYaml("i2v", 1, body + "    lr: 0\n"), dir_ / "run-i2v-again0", dir_ / "i2v-again0", "denoise");
    runJob(jobYaml("i2v", 1, body + "    lr: 0.01\n    p_mean: 1.0\n"), dir_ / "run-i2v-again", dir_ / "i2v-again",
           "denoise");
    const vds::LoadedDiffusionModel start = vds::loadDiffusionModel(dir_ / "i2v-ff");
    const vds::LoadedDiffusionModel again = vds::loadDiffusionModel(dir_ / "i2v-again");
    QCOMPARE(again.kind, std::string(vds::kKindI2VUNet));
    QVERIFY(again.i2vUNet()->i2vOptions().firstFrameChannels);
    QVERIFY(!again.i2vUNet()->i2vOptions().firstFrameMask);
    QCOMPARE(fs::weakly_canonical(again.textEncoderPath()), fs::weakly_canonical(start.textEncoderPath()));
    const auto w0 = vds::namedState(*start.module);
    const auto same = vds::namedState(*vds::loadDiffusionModel(dir_ / "i2v-again0").module);
    const auto moved = vds::namedState(*again.module);
    QCOMPARE(same.size(), w0.size());
    double most = 0;
    for (const auto& [name, w] : w0) {
      QVERIFY2(torch::equal(same.at(name), w), name.c_str());
      most = std::max(most, vds::test::maxAbsDiff(moved.at(name), w));
    }
    QVERIFY(most > 1e-4);
    QCOMPARE(YAML::LoadFile((dir_ / "i2v-again" / "model.yaml").string())["training"]["p_mean"].as<double>(), 1.0);
    const auto refused = [&](const std::string& yaml, const char* run, const char* message) {
      VDS_EXPECT_THROW_MSG(vds::prepareRun(vds::parseRunConfig(yaml, "i.yaml"), vds::RunPaths(dir_ / run), nullptr),
                           vds::ConfigError, message);
    };
    refused(jobYaml("i2v", 1, "    base: " + (dir_ / "i2v-ff").string() + "\n"), "run-i2v-bad",
            "method.i2v.first_frame_channels is false, but the base");
    refused(jobYaml("i2v", 1, body + "    first_frame_mask: true\n"), "run-i2v-bad2",
            "method.i2v.first_frame_mask is true, but the base");
    refused(jobYaml("i2v", 1, "    base: " + (dir_ / "image").string() + "\n"), "run-i2v-bad3",
            "is a image_unet, not a video_unet or i2v_unet");

    // The EDM loss trains sigma_data 1 only: a base with another is refused by every job
    // that trains on it with that loss (i2v, t2v, and style from a t2v package).
    const fs::path i2vHalf = vds::test::copyPackage(dir_ / "i2v-ff", dir_ / "i2v-sd-half");
    vds::test::editManifest(i2vHalf, [](YAML::Node& m) { m["parameterisation"]["sigma_data"] = 0.5; });
    refused(jobYaml("i2v", 1, "    base: " + i2vHalf.string() + "\n    first_frame_channels: true\n"), "run-i2v-bad4",
            "with sigma_data 0.5");
    refused(jobYaml("t2v", 1, "    base: " + i2vHalf.string() + "\n"), "run-t2v-bad", "with sigma_data 0.5");
    if (fs::exists(dir_ / "t2v-ff")) {
      const fs::path t2vHalf = vds::test::copyPackage(dir_ / "t2v-ff", dir_ / "t2v-sd-half");
      vds::test::editManifest(t2vHalf, [](YAML::Node& m) { m["parameterisation"]["sigma_data"] = 0.5; });
      VDS_EXPECT_THROW_MSG(vds::prepareRun(vds::parseRunConfig(jobYaml("style", 1, "    base: " + t2vHalf.string() + "\n",
                                                                       "pastel"),
                                                               "s.yaml"),
                                           vds::RunPaths(dir_ / "run-style-bad3"), nullptr),
                           vds::ConfigError, "the job trains edm_v with sigma_data 1");
    }
  }

  void offsetNoiseShapeIsOneValuePerSampleAndChannel() {
    QCOMPARE(vds::offsetNoiseShape(torch::zeros({6, 4, 8, 8})), (std::vector<int64_t>{6, 4, 1, 1}));
    QCOMPARE(vds::offsetNoiseShape(torch::zeros({2, 8, 4, 8, 8})), (std::vector<int64_t>{2, 1, 4, 1, 1}));
    VDS_EXPECT_THROW_MSG(vds::offsetNoiseShape(torch::zeros({4, 8})), vds::DataError, "offset noise");
    // The EDM job has no offset noise: the key is refused rather than ignored.
    VDS_EXPECT_THROW_MSG(vds::parseRunConfig("method:\n  name: i2v\n  i2v:\n    offset_noise: 0.5\n", "i.yaml"),
                         vds::ConfigError, "unknown key 'method.i2v.offset_noise'");
  }

  // P2 weights 1/(1 + SNR)^gamma: SNR 1 halves a sample's loss at gamma 1; gamma 0 is 1.
  void p2WeightsAreClosedForm() {
    const torch::Tensor abar = torch::tensor({0.5, 0.2, 0.8}, torch::kDouble);
    const torch::Tensor w = vds::p2Weights(abar, 1.0);
    QCOMPARE(w[0].item<double>(), 0.5);
    QVERIFY(std::abs(w[1].item<double>() - 0.8) < 1e-12);  // SNR 0.25
    QVERIFY(std::abs(w[2].item<double>() - 0.2) < 1e-12);  // SNR 4
    QVERIFY(std::abs(vds::p2Weights(abar, 0.5)[2].item<double>() - std::sqrt(0.2)) < 1e-12);
    QVERIFY(vds::p2Weights(abar, 0.0).eq(1).all().item<bool>());
    // k = 0.05, gamma 1: 1/(0.05 + SNR), close to the x0 loss's 1/SNR at low SNR.
    QVERIFY(std::abs(vds::p2Weights(abar, 1.0, 0.05)[1].item<double>() - 1 / 0.3) < 1e-12);
    VDS_EXPECT_THROW_MSG(vds::parseRunConfig("method:\n  name: i2v\n  i2v:\n    p2_gamma: 1\n", "i.yaml"),
                         vds::ConfigError, "unknown key 'method.i2v.p2_gamma'");
  }

  // method.motion.clean_first_frame: the flagged clips' frame 0 becomes the clean latent at
  // timestep 0 and leaves the loss; nothing else changes.
  void cleanFirstFrameIsClosedForm() {
    torch::manual_seed(3);
    const torch::Tensor x0 = torch::randn({3, 4, 2, 2, 2}), xt = torch::randn({3, 4, 2, 2, 2});
    const vds::CleanFirstFrame c =
        vds::withCleanFirstFrame(x0, xt, torch::tensor({10.0f, 500.0f, 999.0f}), torch::tensor({true, false, true}));
    QVERIFY(torch::equal(c.xt[0][0], x0[0][0]));
    QVERIFY(torch::equal(c.xt[2][0], x0[2][0]));
    QVERIFY(torch::equal(c.xt[1], xt[1]));
    QVERIFY(torch::equal(c.xt.narrow(1, 1, 3), xt.narrow(1, 1, 3)));
    QVERIFY(torch::equal(c.t, torch::tensor({0.f, 10.f, 10.f, 10.f, 500.f, 500.f, 500.f, 500.f, 0.f, 999.f, 999.f, 999.f})));
    QVERIFY(torch::equal(c.lossFrames, torch::tensor({0.f, 1.f, 1.f, 1.f, 1.f, 1.f, 1.f, 1.f, 0.f, 1.f, 1.f, 1.f}).view({3, 4})));
    // Errors: frame 0 of every clip off by 5 (25 per element), frame 2 of clip 1 off by 2 (4).
    torch::Tensor target = torch::zeros({3, 4, 2, 2, 2});
    target.select(1, 0).fill_(5.0);
    target[1][2].fill_(2.0);
    const torch::Tensor pred = torch::zeros_like(target);
    const torch::Tensor counted = vds::perSampleError(pred, target, c.lossFrames);
    QVERIFY(torch::allclose(counted, torch::tensor({0.0f, 7.25f, 0.0f})));
    QVERIFY(torch::allclose(vds::perSampleError(pred, target), torch::tensor({6.25f, 7.25f, 6.25f})));
    VDS_EXPECT_THROW_MSG(vds::perSampleError(pred, target, torch::ones({3, 3})), vds::DataError, "frame weights");
    VDS_EXPECT_THROW_MSG(vds::withCleanFirstFrame(x0, xt, torch::zeros({2}), torch::zeros({3}, torch::kBool)),
                         vds::DataError, "3 timesteps");
    VDS_EXPECT_THROW_MSG(vds::parseRunConfig("method:\n  name: image\n  image:\n    clean_first_frame: 0.5\n", "i.yaml"),
                         vds::ConfigError, "unknown key 'method.image.clean_first_frame'");
  }

  void directionNegativesAndContrastHinge() {
    const std::string caption = "a red circle moving left and a blue square moving up";
    QCOMPARE(vds::withOtherDirections(caption, {1, 2}), std::string("a red circle moving right and a blue square moving left"));
    QCOMPARE(vds::withOtherDirections("", {}), std::string());
    // Each of the three shifts gives a different wrong direction, and nothing else changes.
    for (const char* direction : vds::kDirectionNames) {
      const std::string one = std::string("a green cross moving ") + direction;
      std::set<std::string> seen;
      for (int64_t shift = 1; shift <= 3; ++shift) {
        const auto parsed = vds::parseCaption(vds::withOtherDirections(one, {shift}));
        QCOMPARE(parsed.size(), size_t{1});
        QVERIFY(parsed[0].shape == vds::ShapeKind::cross && parsed[0].colour == vds::Colour::green);
        QVERIFY(std::string(vds::directionName(parsed[0].direction)) != direction);
        seen.insert(vds::directionName(parsed[0].direction));
      }
      QCOMPARE(seen.size(), size_t{3});
    }
    VDS_EXPECT_THROW_MSG(vds::withOtherDirections(caption, {1}), vds::ConfigError, "1 shifts for the 2 objects");
    VDS_EXPECT_THROW_MSG(vds::withOtherDirections(caption, {1, 4}), vds::ConfigError, "shift 4");
    VDS_EXPECT_THROW_MSG(vds::withOtherDirections("a red blob moving left", {1}), vds::DataError, "blob");

    // Hinge relu(1 + m - neg/pos) over valid samples, the positive error detached.
    const torch::Tensor pos = torch::tensor({1.0, 2.0, 2.0}, torch::kDouble).requires_grad_();
    const torch::Tensor neg = torch::tensor({1.0, 2.1, 1.0}, torch::kDouble).requires_grad_();
    const torch::Tensor valid = torch::tensor({true, true, false});
    const torch::Tensor l = vds::directionContrastLoss(pos, neg, valid, 0.1);
    // Sample 0: 1.1 - 1 = 0.1; sample 1: 1.1 - 1.05 = 0.05; sample 2 is not valid.
    QVERIFY(std::abs(l.item<double>() - 0.075) < 1e-12);
    l.backward();
    QVERIFY(std::abs(neg.grad()[0].item<double>() + 0.5) < 1e-12);   // -1/(pos * 2 valid)
    QVERIFY(std::abs(neg.grad()[1].item<double>() + 0.25) < 1e-12);
    QCOMPARE(neg.grad()[2].item<double>(), 0.0);
    QVERIFY(!pos.grad().defined() || pos.grad().abs().sum().item<double>() == 0);
    QCOMPARE(vds::directionContrastLoss(pos, neg, torch::zeros({3}, torch::kBool), 0.1).item<double>(), 0.0);
    // Per-sample weights (the P2 weights of a P2-weighted job) scale each hinge.
    neg.grad().zero_();
    const torch::Tensor weights = torch::tensor({0.5, 1.0, 3.0}, torch::kDouble);
    const torch::Tensor weighted = vds::directionContrastLoss(pos, neg, valid, 0.1, weights);
    QVERIFY(std::abs(weighted.item<double>() - (0.5 * 0.1 + 1.0 * 0.05) / 2) < 1e-12);
    weighted.backward();
    QVERIFY(std::abs(neg.grad()[0].item<double>() + 0.25) < 1e-12);  // -0.5/(pos * 2 valid)
    QVERIFY(std::abs(neg.grad()[1].item<double>() + 0.25) < 1e-12);
    QCOMPARE(neg.grad()[2].item<double>(), 0.0);
  }

  void evalNetLearns() {
    const auto l = runJob(jobYaml("evalnet", 40, "    lr: 0.003\n    architecture: {channels: [8, 16, 16], feature_dim: 32, max_groups: 8}\n"),
                          dir_ / "run-eval", dir_ / "eval", "classification");
    QVERIFY2(meanOf(l, 35, 40) < 0.8 * meanOf(l, 0, 5), qPrintable(QString("%1 -> %2").arg(l.front()).arg(l.back())));
    QVERIFY(fs::exists(dir_ / "eval" / "model.yaml"));
    // The manifest says what it was trained on: every style, a quarter as still clips.
    const YAML::Node training = YAML::LoadFile((dir_ / "eval" / "model.yaml").string())["training"];
    QCOMPARE(training["data_style"].as<std::string>(), std::string("all"));
    QCOMPARE(training["still_fraction"].as<double>(), 0.25);
  }
};

QTEST_GUILESS_MAIN(PretrainTest)
#include "test_pretrain.moc"
