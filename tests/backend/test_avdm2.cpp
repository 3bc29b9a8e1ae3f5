// AVDM2 at micro scale (tiny random packages, 8x8 frames, 2 frames a clip): finite losses,
// gradients that reach exactly the trainable slots, the SDM gradient against the
// analytic KL gradient of Gaussians, backward simulation against inference, style swap
// in mid-run, loss weights, and exact resume.
#include <map>

#include "diffusion/samplers.h"
#include "io/metrics_store.h"
#include "io/model_package.h"
#include "methods/avdm2.h"
#include "methods/distill_common.h"
#include "methods/registry.h"
#include "methods/run_setup.h"
#include "pipeline/model_zoo.h"
#include "pipeline_fixtures.h"
#include "support/test_support.h"
#include "train/metrics_recorder.h"
#include "train/trainer.h"

namespace fs = std::filesystem;

namespace {

using State = std::map<std::string, torch::Tensor>;

State snapshot(const torch::nn::Module& m) {
  State out;
  for (const auto& item : m.named_parameters(true)) out[item.key()] = item.value().detach().clone();
  return out;
}

bool sameState(const State& a, const State& b) {
  if (a.size() != b.size()) return false;
  for (const auto& [k, v] : a)
    if (!b.count(k) || !torch::equal(v, b.at(k))) return false;
  return true;
}

// Pushes a command when the scalars of step `at` arrive (a ScalarsEvent's step counts the
// iterations done, so at = 1 is after the first one); the Trainer handles it before the
// next iteration. Keeps every event.
class TriggerSink : public vds::EventSink {
 public:
  vds::CollectingSink events;
  vds::Trainer* trainer = nullptr;
  int64_t at = -1;
  vds::Command command = vds::PauseCommand{};
  void post(const vds::Event& e) override {
    events.post(e);
    if (const auto* s = std::get_if<vds::ScalarsEvent>(&e); s && s->step == at && trainer) trainer->commands().push(command);
  }
};

}  // namespace

class Avdm2Test : public QObject {
  Q_OBJECT
 private:
  vds::test::TempDir dir_;
  vds::test::TinyPackages packages_;
  fs::path styleB_;

  std::string yaml(int steps, const std::string& extra = "", int checkpointEvery = 0) const {
    return "run:\n  device: cpu\n  seed: 5\n  threads: 1\n"
           "data:\n  size: 8\n  frames: 2\n  batch_size: 2\n  clips: 16\n  max_objects: 1\n"
           "trainer:\n  steps: " + std::to_string(steps) + "\n  log_every: 1\n  sample_every: 0\n  checkpoint_every: " +
           std::to_string(checkpointEvery) + "\n  warmup_steps: 0\n"
           "method:\n  name: avdm2\n  avdm2:\n    teacher: " + packages_.video().string() +
           "\n    style: " + packages_.image().string() +
           "\n    lr_motion: 0.001\n    lr_spatial: 0.0005\n    lr_discriminator: 0.001\n    lr_fake: 0.001\n"
           "    disc_channels: 8\n    teacher_steps: 2\n" + extra;
  }

  std::unique_ptr<vds::Trainer> trainer(const std::string& text, const fs::path& run, vds::EventSink* sink) const {
    return vds::prepareRun(vds::parseRunConfig(text, "avdm2.yaml"), vds::RunPaths(run, run / "student"), sink);
  }

 private Q_SLOTS:
  void initTestCase() {
    torch::set_num_threads(1);
    packages_ = vds::test::TinyPackages::write(dir_ / "pk");
    // A second 2D model in the same latent space, for the swap.
    styleB_ = dir_ / "pk" / "style-b";
    vds::ImageUNet b(vds::test::tinyUNetOptions());
    vds::test::jitter(*b, 77);
    vds::saveDiffusionModel(styleB_, {"tiny-style-b", "", {}}, vds::kKindImageUNet, *b, vds::test::tinySpec(false, 1));
  }

  void studentTimestepsFollowDmd2() {
    QCOMPARE(vds::studentTimesteps(4, 1000), (std::vector<double>{999, 749, 499, 249}));
    QCOMPARE(vds::studentTimesteps(2, 1000), (std::vector<double>{999, 499}));
    QCOMPARE(vds::studentTimesteps(1, 1000), (std::vector<double>{999}));
    VDS_EXPECT_THROW_MSG(vds::studentTimesteps(0, 1000), vds::ConfigError, "student steps");
  }

  // p_real = N(mu_r, v_r I), p_fake = N(mu_f, v_f I) in x0 space. At level (a, s) the noisy
  // marginals are N(a mu, a^2 v + s^2), with eps(x) = s (x - a mu) / (a^2 v + s^2). The
  // per-sample KL gradient with respect to x0 is a (grad log p_f,t - grad log p_r,t)(x_t);
  // the SDM gradient must be a positive multiple of it, row by row.
  void sdmGradientIsTheAnalyticKlGradient() {
    torch::manual_seed(3);
    const int64_t n = 6, d = 10;
    const torch::Tensor muR = torch::randn({d}, torch::kFloat64), muF = torch::randn({d}, torch::kFloat64);
    const double vR = 0.5, vF = 1.7;
    const torch::Tensor a = torch::rand({n}, torch::kFloat64) * 0.8 + 0.1;
    const torch::Tensor s = (1 - a.pow(2)).sqrt();
    const torch::Tensor x0 = muF + std::sqrt(vF) * torch::randn({n, d}, torch::kFloat64);
    const torch::Tensor xt = a.view({n, 1}) * x0 + s.view({n, 1}) * torch::randn({n, d}, torch::kFloat64);
    auto eps = [&](const torch::Tensor& mu, double v) {
      return s.view({n, 1}) * (xt - a.view({n, 1}) * mu) / (a.pow(2).view({n, 1}) * v + s.pow(2).view({n, 1}));
    };
    auto score = [&](const torch::Tensor& mu, double v) {
      return -(xt - a.view({n, 1}) * mu) / (a.pow(2).view({n, 1}) * v + s.pow(2).view({n, 1}));
    };
    const torch::Tensor kl = a.view({n, 1}) * (score(muF, vF) - score(muR, vR));
    for (auto w : {vds::SdmWeighting::unit, vds::SdmWeighting::dmd}) {
      const torch::Tensor g = vds::sdmGradient(x0, xt, eps(muR, vR), eps(muF, vF), a, s, w);
      for (int64_t i = 0; i < n; ++i) {
        const torch::Tensor ratio = g[i] / kl[i];
        QVERIFY2(ratio.min().item<double>() > 0, "SDM gradient points against the KL gradient");
        QVERIFY(torch::allclose(ratio, ratio.mean().expand_as(ratio), 1e-9, 1e-12));
      }
      if (w == vds::SdmWeighting::unit) {  // w(t) = 1: exactly (s / a) times the KL gradient
        QVERIFY(torch::allclose(g, (s / a).view({n, 1}) * kl, 1e-10, 1e-12));
      }
    }
  }

  // Training visits levels[0..k] (k drawn at random); inference replays every level.
  void backwardSimulationMatchesInference() {
    const auto schedule = vds::diffusion::DdpmSchedule::scaledLinear();
    const auto ts = vds::studentTimesteps(4, 1000);
    const auto levels = schedule.levels(ts, false);
    std::vector<double> seen;
    vds::diffusion::X0Callback record = [&](const torch::Tensor& x, const vds::diffusion::NoiseLevel& lv) {
      seen.push_back(lv.t);
      return x * 0.5;
    };
    auto noise = [](at::IntArrayRef shape) { return torch::ones(shape); };
    for (int64_t k = 0; k < 4; ++k) {
      seen.clear();
      const torch::Tensor x = vds::backwardSimulate(record, {1, 3}, levels, k, noise);
      QCOMPARE(seen, std::vector<double>(ts.begin(), ts.begin() + k));
      // The state follows the consistency sampler's rule x' = alpha' x0 + sigma' z.
      double expected = levels[0].sigma;
      for (int64_t j = 0; j < k; ++j) expected = levels[size_t(j + 1)].alpha * 0.5 * expected + levels[size_t(j + 1)].sigma;
      QVERIFY(torch::allclose(x, torch::full({1, 3}, expected), 1e-6, 1e-6));
    }
    seen.clear();
    at::Generator gen = vds::makeGenerator(1);
    vds::diffusion::SamplerOptions options;
    options.gen = gen;
    vds::diffusion::sampleConsistency(record, torch::ones({1, 3}) * levels[0].sigma, schedule.levels(ts, true), options);
    QCOMPARE(seen, ts);
  }

  void lossesFiniteAndGradientsReachOnlyTrainableSlots() {
    vds::CollectingSink sink;
    auto t = trainer(yaml(4), dir_ / "run-grad", &sink);
    auto& slots = t->context().slots;
    const State teacher = snapshot(*slots.at(vds::slot::kTeacher).module);
    const State style = snapshot(*slots.at(vds::slot::kStyle2d).module);
    const State student = snapshot(*slots.at(vds::slot::kStudent).module);
    const State head = snapshot(*slots.at(vds::slot::kDiscriminator).module);
    const State fake = snapshot(*slots.at(vds::slot::kFakeScore2d).module);
    t->run();
    QVERIFY(sameState(teacher, snapshot(*slots.at(vds::slot::kTeacher).module)));
    QVERIFY(sameState(style, snapshot(*slots.at(vds::slot::kStyle2d).module)));
    QVERIFY(!sameState(student, snapshot(*slots.at(vds::slot::kStudent).module)));
    QVERIFY(!sameState(head, snapshot(*slots.at(vds::slot::kDiscriminator).module)));
    QVERIFY(!sameState(fake, snapshot(*slots.at(vds::slot::kFakeScore2d).module)));
    // The teacher's copy inside the student package tree is untouched on disk too.
    QVERIFY(sameState(teacher, snapshot(*vds::loadDiffusionModel(packages_.video()).module)));
    const auto scalars = sink.only<vds::ScalarsEvent>();
    QCOMPARE(scalars.size(), size_t(4));
    int generatorSteps = 0;
    for (const auto& e : scalars) {
      for (const auto& [k, v] : e.values) QVERIFY2(std::isfinite(v), k.c_str());
      for (const char* k : {"loss/fake_denoise", "loss/d_real", "loss/d_fake"}) QVERIFY2(e.values.count(k), k);
      if (e.values.count("loss/adm_g")) {
        ++generatorSteps;
        QVERIFY(e.values.count("loss/sdm"));
        QVERIFY(e.values.at("diag/grad_norm/adm") > 0);
        QVERIFY(e.values.at("diag/grad_norm/sdm") > 0);
        QVERIFY(e.values.count("diag/balance/suggested_lambda_adm"));
        bool binned = false;
        for (const auto& [k, v] : e.values) binned = binned || k.rfind("diag/sdm/tbin/", 0) == 0;
        QVERIFY(binned);
      }
    }
    QCOMPARE(generatorSteps, 2);  // update_ratio 2: steps 0 and 2
    // The student's two learning rates: motion modules at lr_motion, the backbone at lr_spatial.
    const auto& opt = *slots.at(vds::slot::kStudent).optimizer;
    QCOMPARE(opt.param_groups().size(), size_t(2));
  }

  // Reports average every value over their window, so generator terms (every 2nd
  // iteration) reach each report even when the interval is a multiple of the ratio.
  void generatorTermsReachEveryReport() {
    std::string text = yaml(4);
    text.replace(text.find("log_every: 1"), 12, "log_every: 2");
    vds::CollectingSink sink;
    trainer(text, dir_ / "run-window", &sink)->run();
    const auto scalars = sink.only<vds::ScalarsEvent>();
    QCOMPARE(scalars.size(), size_t(2));
    for (const auto& e : scalars) {
      QVERIFY(e.values.count("loss/adm_g"));
      QVERIFY(e.values.count("loss/d_real"));
    }
  }

  void exportedStudentReplaysItsTimesteps() {
    vds::CollectingSink sink;
    auto t = trainer(yaml(2, "    student_steps: 2\n"), dir_ / "run-export", &sink);
    t->run();
    t->sampleNow();
    const auto model = vds::loadDiffusionModel(dir_ / "run-export" / "student");
    QVERIFY(model.spec.sampling.has_value());
    QCOMPARE(model.package.name(), std::string("shapes-avdm2-2step-image"));  // style: the "image" package
    QCOMPARE(model.spec.sampling->timesteps, (std::vector<double>{999, 499}));
    QCOMPARE(int(model.spec.sampling->sampler), int(vds::diffusion::SamplerKind::consistency));
    std::set<std::string> labels;
    for (const auto& e : sink.only<vds::SampleEvent>()) labels.insert(e.label);
    for (const char* l : {"student-2step", "teacher", "real", "triptych"}) QVERIFY2(labels.count(l), l);
    for (const auto& e : sink.only<vds::SampleEvent>())
      if (e.label == "triptych") QCOMPARE(e.clips, 3);
  }

  void studentNamesTellTheirStyleApart() {
    QCOMPARE(vds::studentPackageName(4, "/x/resources/models/image-base"), std::string("shapes-avdm2-4step"));
    QCOMPARE(vds::studentPackageName(4, "/x/resources/models/style-pastel"), std::string("shapes-avdm2-4step-pastel"));
    QCOMPARE(vds::studentPackageName(1, "/y/my-anime/"), std::string("shapes-avdm2-1step-my-anime"));
  }

  void styleSwapTakesEffectAtTheNextIteration() {
    TriggerSink sink;
    const fs::path run = dir_ / "run-swap";
    fs::create_directories(run);
    vds::MetricsRecorder recorder(run / "metrics.sqlite");
    vds::FanOutSink fan;
    fan.add(&sink);
    fan.add(&recorder);
    auto t = trainer(yaml(3), run, &fan);
    sink.trainer = t.get();
    sink.at = 1;
    sink.command = vds::SwapStyleCommand{styleB_.string(), true};
    auto& slots = t->context().slots;
    const auto styleBefore = slots.at(vds::slot::kStyle2d).module;
    t->run();
    const auto scalars = sink.events.only<vds::ScalarsEvent>();
    QCOMPARE(scalars.at(0).values.at("diag/style_swaps"), 0.0);
    QCOMPARE(scalars.at(1).values.at("diag/style_swaps"), 1.0);
    QVERIFY(slots.at(vds::slot::kStyle2d).module != styleBefore);
    QVERIFY(sameState(snapshot(*slots.at(vds::slot::kStyle2d).module),
                      snapshot(*vds::loadDiffusionModel(styleB_).module)));
    const auto notes = recorder.store().notes("log");
    bool recorded = false;
    for (const auto& [step, text] : notes) recorded = recorded || text.find("style swapped to") != std::string::npos;
    QVERIFY(recorded);
    // The swap survives a save: the method state names the new style model.
    QCOMPARE(t->method().saveState()["style"].as<std::string>(), styleB_.string());
  }

  void lossWeightCommandChangesTheWeight() {
    TriggerSink sink;
    auto t = trainer(yaml(3), dir_ / "run-weight", &sink);
    sink.trainer = t.get();
    sink.at = 1;
    sink.command = vds::SetLossWeightCommand{"sdm", 0.25};
    t->run();
    const auto scalars = sink.events.only<vds::ScalarsEvent>();
    QCOMPARE(scalars.at(0).values.at("diag/lambda_sdm"), 1.0);
    QCOMPARE(scalars.at(1).values.at("diag/lambda_sdm"), 0.25);
  }

  void resumeReproducesTheNextLosses() {
    vds::CollectingSink straight;
    trainer(yaml(4), dir_ / "run-a", &straight)->run();
    {
      vds::CollectingSink first;
      trainer(yaml(2, "", 2), dir_ / "run-b", &first)->run();
    }
    vds::CollectingSink resumed;
    auto t = trainer(yaml(4, "", 2), dir_ / "run-b", &resumed);
    QVERIFY(t->resumeLatest());
    t->run();
    const auto a = straight.only<vds::ScalarsEvent>();
    const auto b = resumed.only<vds::ScalarsEvent>();
    QCOMPARE(b.size(), size_t(2));
    for (size_t i = 0; i < 2; ++i) {
      const auto& ea = a.at(i + 2).values;
      const auto& eb = b.at(i).values;
      for (const char* k : {"loss/fake_denoise", "loss/d_real", "loss/d_fake"}) QCOMPARE(eb.at(k), ea.at(k));
      if (ea.count("loss/adm_g")) {
        QCOMPARE(eb.at("loss/adm_g"), ea.at("loss/adm_g"));
        QCOMPARE(eb.at("loss/sdm"), ea.at("loss/sdm"));
      }
    }
  }

  // trainer.ema_decay: after the first generator update (iteration 0) the EMA is
  // d * teacher + (1 - d) * student, closed form; the export holds the EMA, not the raw
  // student; without it there is no EMA slot and the export is the student. The EMA is
  // part of the checkpoint, so a resumed run ends with the same EMA as a straight one.
  void studentEmaIsExportedAndResumed() {
    auto withEma = [](std::string text, const std::string& decay) {
      text.replace(text.find("  warmup_steps: 0\n"), 18, "  warmup_steps: 0\n  ema_decay: " + decay + "\n");
      return text;
    };
    {
      vds::CollectingSink sink;
      auto t = trainer(withEma(yaml(1), "0.75"), dir_ / "run-ema", &sink);
      auto& slots = t->context().slots;
      QVERIFY(slots.has(vds::slot::kEma));
      const State before = snapshot(*slots.at(vds::slot::kStudent).module);
      QVERIFY(sameState(before, snapshot(*slots.at(vds::slot::kEma).module)));
      t->run();
      const State student = snapshot(*slots.at(vds::slot::kStudent).module);
      const State ema = snapshot(*slots.at(vds::slot::kEma).module);
      QVERIFY(!sameState(before, student));
      double worst = 0;
      for (const auto& [k, v] : ema)
        worst = std::max(worst, (v - (0.75 * before.at(k) + 0.25 * student.at(k))).abs().max().item<double>());
      QVERIFY2(worst < 1e-6, std::to_string(worst).c_str());
      const auto exported = vds::loadDiffusionModel(dir_ / "run-ema" / "student");
      QVERIFY(sameState(ema, snapshot(*exported.module)));
      QCOMPARE(exported.package.manifest()["training"]["ema_decay"].as<double>(), 0.75);
    }
    {
      vds::CollectingSink sink;
      auto t = trainer(yaml(1), dir_ / "run-no-ema", &sink);
      QVERIFY(!t->context().slots.has(vds::slot::kEma));
      t->run();
      QVERIFY(sameState(snapshot(*t->context().slots.at(vds::slot::kStudent).module),
                        snapshot(*vds::loadDiffusionModel(dir_ / "run-no-ema" / "student").module)));
    }
    vds::CollectingSink straightSink;
    auto straight = trainer(withEma(yaml(4), "0.5"), dir_ / "run-ema-a", &straightSink);
    straight->run();
    {
      vds::CollectingSink first;
      trainer(withEma(yaml(2, "", 2), "0.5"), dir_ / "run-ema-b", &first)->run();
    }
    vds::CollectingSink resumedSink;
    auto resumed = trainer(withEma(yaml(4, "", 2), "0.5"), dir_ / "run-ema-b", &resumedSink);
    QVERIFY(resumed->resumeLatest());
    resumed->run();
    QVERIFY(sameState(snapshot(*straight->context().slots.at(vds::slot::kEma).module),
                      snapshot(*resumed->context().slots.at(vds::slot::kEma).module)));
  }

  // An EDM-preconditioned teacher on the DDPM schedule (as the text-to-video teacher made
  // from the i2v model is): the discriminator's encoder gets c_noise, the student keeps
  // the teacher's preconditioning, every loss is finite and the student package says edm_v.
  void edmTeacherOnDdpmLevelsDistils() {
    const fs::path teacher = dir_ / "pk" / "video-edm";
    {
      const vds::LoadedDiffusionModel i2v = vds::loadDiffusionModel(packages_.i2v());
      vds::VideoUNet video = vds::frameFreeVideoUNet(*i2v.i2vUNet());
      vds::DiffusionSpec spec = vds::test::tinySpec(false, vds::test::kTinyFrames);
      spec.parameterisation = vds::diffusion::Parameterisation::edm_v;
      spec.sigmaData = 1.0;
      vds::saveDiffusionModel(teacher, {"tiny-video-edm", "", {}}, vds::kKindVideoUNet, *video, spec);
    }
    std::string text = yaml(2, "    student_steps: 2\n");
    const std::string plain = packages_.video().string();
    text.replace(text.find(plain), plain.size(), teacher.string());
    vds::CollectingSink sink;
    auto t = trainer(text, dir_ / "run-edm", &sink);
    t->run();
    t->sampleNow();
    const auto scalars = sink.only<vds::ScalarsEvent>();
    QCOMPARE(scalars.size(), size_t(2));
    for (const auto& e : scalars)
      for (const auto& [k, v] : e.values) QVERIFY2(std::isfinite(v), k.c_str());
    const auto student = vds::loadDiffusionModel(dir_ / "run-edm" / "student");
    QCOMPARE(int(student.spec.parameterisation), int(vds::diffusion::Parameterisation::edm_v));
    QVERIFY(!student.spec.schedule.edm);
    QVERIFY(!sink.only<vds::SampleEvent>().empty());
  }

  // A 2D model that predicts edm_v on the DDPM schedule (what the style job makes from a
  // text-to-video teacher's spatial part) serves as the real and fake score: the run's
  // losses are finite, and the frozen style model stays bit-identical. One on an EDM
  // (Karras) schedule has no DDPM timesteps for SDM and is refused with the key.
  void edmV2dStyleModelServesSdm() {
    const fs::path style = dir_ / "pk" / "style-edm-v";
    const fs::path karras = dir_ / "pk" / "style-karras";
    {
      vds::ImageUNet net(vds::test::tinyUNetOptions());
      vds::test::jitter(*net, 31);
      vds::DiffusionSpec spec = vds::test::tinySpec(false, 1);
      spec.parameterisation = vds::diffusion::Parameterisation::edm_v;
      spec.sigmaData = 1.0;
      vds::saveDiffusionModel(style, {"tiny-style-edm-v", "", {}}, vds::kKindImageUNet, *net, spec);
      vds::saveDiffusionModel(karras, {"tiny-style-karras", "", {}}, vds::kKindImageUNet, *net, vds::test::tinySpec(true, 1));
    }
    std::string text = yaml(2, "    sdm_cfg: 2\n");
    const std::string image = "style: " + packages_.image().string();
    text.replace(text.find(image), image.size(), "style: " + style.string());
    vds::CollectingSink sink;
    auto t = trainer(text, dir_ / "run-style-edm-v", &sink);
    auto& slots = t->context().slots;
    const State before = snapshot(*slots.at(vds::slot::kStyle2d).module);
    t->run();
    const auto scalars = sink.only<vds::ScalarsEvent>();
    QCOMPARE(scalars.size(), size_t(2));
    QVERIFY(scalars.at(0).values.at("diag/grad_norm/sdm") > 0);  // step 0 updates the generator
    for (const auto& e : scalars) {
      QVERIFY(e.values.count("loss/fake_denoise"));
      for (const auto& [k, v] : e.values) QVERIFY2(std::isfinite(v), k.c_str());
    }
    QVERIFY(sameState(before, snapshot(*slots.at(vds::slot::kStyle2d).module)));
    text.replace(text.find(style.string()), style.string().size(), karras.string());
    VDS_EXPECT_THROW_MSG(trainer(text, dir_ / "bad-karras", nullptr), vds::ConfigError,
                         ("method.avdm2.style: '" + karras.string() + "' runs on an EDM (Karras) schedule").c_str());
  }

  // student_init: the student and its EMA start from another package of the teacher's
  // architecture (at learning rate 0 the export is that package bit for bit) while the
  // discriminator's frozen encoder stays the teacher's; the package is recorded, and one
  // that is not a drop-in for the teacher is refused with the key.
  void studentStartsFromStudentInit() {
    const fs::path init = dir_ / "pk" / "video-init";
    {
      vds::VideoUNet video(vds::test::tinyVideoOptions());
      vds::test::jitter(*video, 41);
      vds::saveDiffusionModel(init, {"tiny-video-init", "", {}}, vds::kKindVideoUNet, *video,
                              vds::test::tinySpec(false, vds::test::kTinyFrames));
    }
    std::string text = yaml(2, "    student_init: " + init.string() + "\n");
    text.replace(text.find("lr_motion: 0.001"), 16, "lr_motion: 0");
    text.replace(text.find("lr_spatial: 0.0005"), 18, "lr_spatial: 0");
    text.replace(text.find("  warmup_steps: 0\n"), 18, "  warmup_steps: 0\n  ema_decay: 0.5\n");
    vds::CollectingSink sink;
    auto t = trainer(text, dir_ / "run-init", &sink);
    auto& slots = t->context().slots;
    const State start = snapshot(*vds::loadDiffusionModel(init).module);
    QVERIFY(sameState(start, snapshot(*slots.at(vds::slot::kStudent).module)));
    QVERIFY(sameState(start, snapshot(*slots.at(vds::slot::kEma).module)));
    const State teacher = snapshot(*vds::loadDiffusionModel(packages_.video()).module);
    QVERIFY(!sameState(start, teacher));
    QVERIFY(sameState(teacher, snapshot(*slots.at(vds::slot::kTeacher).module)));
    t->run();
    const auto exported = vds::loadDiffusionModel(dir_ / "run-init" / "student");
    QVERIFY(sameState(start, snapshot(*exported.module)));
    QVERIFY(exported.package.manifest()["training"]["student_init"].as<std::string>().find("video-init") !=
            std::string::npos);
    QVERIFY(!vds::loadDiffusionModel(dir_ / "run-no-ema" / "student").package.manifest()["training"]["student_init"]);

    VDS_EXPECT_THROW_MSG(trainer(yaml(1, "    student_init: " + packages_.image().string() + "\n"), dir_ / "bad-init1", nullptr),
                         vds::ConfigError, "method.avdm2.student_init: '");
    VDS_EXPECT_THROW_MSG(trainer(yaml(1, "    student_init: " + packages_.i2v().string() + "\n"), dir_ / "bad-init2", nullptr),
                         vds::ConfigError, "is a i2v_unet, not a video_unet");
    const fs::path wider = dir_ / "pk" / "video-wider";
    {
      vds::VideoUNetOptions o = vds::test::tinyVideoOptions();
      o.spatial.baseChannels *= 2;
      vds::VideoUNet video(o);
      vds::saveDiffusionModel(wider, {"tiny-video-wider", "", {}}, vds::kKindVideoUNet, *video,
                              vds::test::tinySpec(false, vds::test::kTinyFrames));
    }
    VDS_EXPECT_THROW_MSG(trainer(yaml(1, "    student_init: " + wider.string() + "\n"), dir_ / "bad-init3", nullptr),
                         vds::ConfigError, "does not have the teacher's architecture (tensor '");
  }

  // disc_mismatch adds real clips under another clip's caption as negatives of the
  // discriminator; it is recorded in the student package and refused without disc_text.
  void mismatchedCaptionsAreDiscriminatorNegatives() {
    vds::CollectingSink sink;
    auto t = trainer(yaml(2, "    disc_mismatch: 0.5\n"), dir_ / "run-mismatch", &sink);
    t->run();
    int withTerm = 0;
    for (const auto& e : sink.only<vds::ScalarsEvent>()) {
      if (!e.values.count("loss/d_mismatch")) continue;
      ++withTerm;
      QVERIFY(std::isfinite(e.values.at("loss/d_mismatch")));
      QVERIFY(e.values.at("loss/d_mismatch") > 0);  // a mean of softplus
    }
    QVERIFY(withTerm > 0);
    const YAML::Node m = YAML::LoadFile((dir_ / "run-mismatch" / "student" / "model.yaml").string());
    QCOMPARE(m["training"]["disc_mismatch"].as<double>(), 0.5);
    VDS_EXPECT_THROW_MSG(trainer(yaml(1, "    disc_mismatch: 1\n    disc_text: false\n"), dir_ / "bad-mismatch", nullptr),
                         vds::ConfigError, "method.avdm2.disc_mismatch");
  }

  void badSettingsNameTheKey() {
    VDS_EXPECT_THROW_MSG(trainer(yaml(1, "    timesteps: [500, 700]\n"), dir_ / "bad1", nullptr), vds::ConfigError,
                         "method.avdm2.timesteps");
    const std::string wrongKind =
        "run:\n  device: cpu\n  threads: 1\ndata:\n  size: 8\n  frames: 2\n  batch_size: 2\n  clips: 4\n"
        "method:\n  name: avdm2\n  avdm2:\n    teacher: " + packages_.image().string() + "\n    style: " +
        packages_.image().string() + "\n";
    VDS_EXPECT_THROW_MSG(trainer(wrongKind, dir_ / "bad2", nullptr), vds::ConfigError, "not a video_unet");
    const std::string wrongStyle =
        "run:\n  device: cpu\n  threads: 1\ndata:\n  size: 8\n  frames: 2\n  batch_size: 2\n  clips: 4\n"
        "method:\n  name: avdm2\n  avdm2:\n    teacher: " + packages_.video().string() + "\n    style: " +
        packages_.i2v().string() + "\n";
    VDS_EXPECT_THROW_MSG(trainer(wrongStyle, dir_ / "bad3", nullptr), vds::ConfigError, "not an image_unet");
  }
};

QTEST_GUILESS_MAIN(Avdm2Test)
#include "test_avdm2.moc"
