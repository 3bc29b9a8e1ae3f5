// The shared Trainer: exact resume, frozen slots, NaN skipping, commands from another
// thread, checkpoint pruning and corrupt checkpoints. Driven by a toy regression method.
#include <atomic>
#include <set>
#include <thread>

#include "core/errors.h"
#include "data/dataset.h"
#include "io/model_package.h"
#include "io/safetensors.h"
#include "support/test_support.h"
#include "train/checkpoint.h"
#include "train/run_schema.h"
#include "train/trainer.h"

namespace {

// Predicts each clip's mean brightness from a pooled, noise-perturbed view of it.
// The noise comes from the run's generator, so resume must restore the RNG too.
class ToyMethod : public vds::Method {
 public:
  std::set<int64_t> nanSteps;  // steps whose loss is made non-finite

  std::string name() const override { return "toy"; }
  void setup(vds::TrainContext& ctx) override {
    torch::manual_seed(1);
    vds::SlotOptions student;
    student.learningRate = 1e-2;
    ctx.slots.add(vds::slot::kStudent, std::make_shared<torch::nn::LinearImpl>(kFeatures, 1), student);
    vds::SlotOptions frozen;
    frozen.frozen = true;
    ctx.slots.add(vds::slot::kTeacher, std::make_shared<torch::nn::LinearImpl>(kFeatures, 1), frozen);
    vds::SlotOptions ema;
    ema.trainedByEma = true;
    auto emaModule = std::make_shared<torch::nn::LinearImpl>(kFeatures, 1);
    copyInto(*ctx.slots.at(vds::slot::kStudent).module, *emaModule);
    ctx.slots.add(vds::slot::kEma, emaModule, ema);
  }
  vds::StepResult step(vds::TrainContext& ctx, const vds::Batch& batch) override {
    const torch::Tensor features = pooled(batch.video) + 0.1 * ctx.randn({batch.video.size(0), kFeatures});
    const torch::Tensor target = batch.video.mean({1, 2, 3, 4}).unsqueeze(1);
    auto& student = ctx.slots.at(vds::slot::kStudent).as<torch::nn::LinearImpl>();
    auto& teacher = ctx.slots.at(vds::slot::kTeacher).as<torch::nn::LinearImpl>();
    torch::Tensor loss = torch::mse_loss(student.forward(features), target);
    // The frozen teacher takes part in the graph, as a real teacher does.
    loss = loss + 0.0 * teacher.forward(features).mean();
    if (nanSteps.count(ctx.step)) loss = loss * std::numeric_limits<double>::quiet_NaN();
    const double value = loss.item<double>();
    if (ctx.optimize(vds::slot::kStudent, loss)) ctx.updateEma(vds::slot::kEma, vds::slot::kStudent, 0.9);
    return {{{"mse", value}}, {}};
  }
  std::vector<vds::SampleOutput> sample(vds::TrainContext&, const vds::SampleRequest& request) override {
    const auto n = static_cast<int64_t>(request.captions.size());
    return {{"toy", torch::full({n, 2, 4, 4, 3}, 128, torch::kUInt8)}};
  }
  void exportPackage(vds::TrainContext& ctx, const std::string& dir) override {
    YAML::Node manifest;
    manifest["kind"] = "toy";
    manifest["name"] = "toy-student";
    manifest["architecture"]["features"] = kFeatures;
    vds::ModelPackage::save(dir, manifest, *ctx.slots.at(vds::slot::kStudent).module);
  }

  static constexpr int64_t kFeatures = 3 * 4 * 4;

 private:
  static torch::Tensor pooled(const torch::Tensor& video) {  // [B,F,3,H,W] -> [B,3*4*4]
    const auto b = video.size(0);
    return torch::adaptive_avg_pool2d(video.mean(1), {4, 4}).reshape({b, kFeatures});
  }
  static void copyInto(const torch::nn::Module& from, torch::nn::Module& to) {
    torch::NoGradGuard g;
    auto src = from.named_parameters();
    for (auto& p : to.named_parameters()) p.value().copy_(*src.find(p.key()));
  }
};

vds::Config makeConfig(int64_t steps, const std::string& extra = "") {
  vds::ConfigSchema schema = vds::baseRunSchema({"avdm2", "osv", "mcm", "sfv", "lcm", "teacher"});
  const std::string text = "run:\n  device: cpu\n  seed: 3\n  threads: 1\ntrainer:\n  steps: " + std::to_string(steps) +
                           "\n  log_every: 1\n  sample_every: 0\n  checkpoint_every: 3\n  warmup_steps: 2\n"
                           "" +
                           extra + "method:\n  name: teacher\n";
  return schema.parse(text, "toy.yaml");
}

std::shared_ptr<vds::DataLoader> makeLoader() {
  vds::WorldOptions world;
  world.width = world.height = 8;
  world.frames = 2;
  auto dataset = std::make_shared<vds::ShapesDataset>(world, vds::Split::train, 10);
  vds::LoaderOptions options;
  options.batchSize = 4;
  options.seed = 5;
  return std::make_shared<vds::DataLoader>(dataset, options);
}

std::map<int64_t, double> lossesBy(const vds::CollectingSink& sink) {
  std::map<int64_t, double> out;
  for (const auto& e : sink.only<vds::ScalarsEvent>()) out[e.step] = e.values.at("loss/mse");
  return out;
}

torch::Tensor studentWeight(vds::Trainer& t) {
  return t.context().slots.at(vds::slot::kStudent).module->named_parameters()["weight"].detach().clone();
}

}  // namespace

class TrainerTest : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void resumeReproducesUninterruptedLosses() {
    vds::test::TempDir dir;
    vds::CollectingSink straight;
    {
      vds::Trainer t(makeConfig(7), std::make_unique<ToyMethod>(), makeLoader(), {dir / "a"}, &straight);
      QCOMPARE(int(t.run()), int(vds::RunOutcome::Finished));
    }
    vds::CollectingSink first, second;
    {
      vds::Trainer t(makeConfig(3), std::make_unique<ToyMethod>(), makeLoader(), {dir / "b"}, &first);
      t.run();
    }
    vds::Trainer resumed(makeConfig(7), std::make_unique<ToyMethod>(), makeLoader(), {dir / "b"}, &second);
    QVERIFY(resumed.resumeLatest());
    QCOMPARE(resumed.step(), int64_t(3));
    resumed.run();
    const auto a = lossesBy(straight);
    auto b = lossesBy(first);
    for (const auto& [s, v] : lossesBy(second)) b[s] = v;
    QCOMPARE(a.size(), size_t(7));
    QCOMPARE(b.size(), size_t(7));
    for (const auto& [s, v] : a) QVERIFY2(v == b.at(s), qPrintable(QString("step %1: %2 vs %3").arg(s).arg(v).arg(b.at(s))));
    // The losses fall: the toy problem is learnable.
    QVERIFY(a.at(7) < a.at(1));
    // Both runs export the same final student.
    const auto wa = vds::safetensors::load(dir / "a" / "export" / "model.safetensors");
    const auto wb = vds::safetensors::load(dir / "b" / "export" / "model.safetensors");
    QVERIFY(torch::equal(wa.at("weight"), wb.at("weight")));
  }

  void learningRateScheduleClosedForm() {
    // Warm-up: linear over the slot's first updates, whatever the schedule.
    QCOMPARE(vds::learningRateFactor(0, 4, 0, 100, false), 0.25);
    QCOMPARE(vds::learningRateFactor(9, 4, 9, 100, false), 1.0);
    // Cosine: 1 at the start, 1/2 half way, (1 + cos(3 pi / 4)) / 2 three quarters in.
    QCOMPARE(vds::learningRateFactor(50, 0, 0, 100, true), 1.0);
    QVERIFY(std::abs(vds::learningRateFactor(50, 0, 50, 100, true) - 0.5) < 1e-12);
    QVERIFY(std::abs(vds::learningRateFactor(75, 0, 75, 100, true) - (1 - std::sqrt(0.5)) / 2) < 1e-12);
    QVERIFY(std::abs(vds::learningRateFactor(0, 4, 50, 100, true) - 0.125) < 1e-12);

    // In a run: the last of 4 iterations (index 3) updates with the base rate times
    // (1 + cos(3 pi / 4)) / 2; a constant schedule keeps the base rate.
    vds::test::TempDir dir;
    for (const bool cosine : {false, true}) {
      vds::Trainer t(makeConfig(4, cosine ? "  lr_schedule: cosine\n" : ""), std::make_unique<ToyMethod>(),
                     makeLoader(), {dir / (cosine ? "cos" : "const")}, nullptr);
      QCOMPARE(int(t.run()), int(vds::RunOutcome::Finished));
      auto& slot = t.context().slots.at(vds::slot::kStudent);
      const double lr =
          static_cast<torch::optim::AdamWOptions&>(slot.optimizer->param_groups().front().options()).lr();
      const double expected = slot.options.learningRate * (cosine ? (1 - std::sqrt(0.5)) / 2 : 1.0);
      QVERIFY2(std::abs(lr - expected) < 1e-12 * slot.options.learningRate,
               qPrintable(QString("%1 vs %2").arg(lr).arg(expected)));
    }
  }

  void frozenSlotStaysBitIdenticalAndGetsNoGradient() {
    vds::test::TempDir dir;
    vds::Trainer t(makeConfig(4), std::make_unique<ToyMethod>(), makeLoader(), {dir / "r"}, nullptr);
    auto& teacher = *t.context().slots.at(vds::slot::kTeacher).module;
    const auto before = vds::namedState(teacher);
    const torch::Tensor studentBefore = studentWeight(t);
    t.run();
    for (const auto& [name, value] : vds::namedState(teacher)) QVERIFY(torch::equal(value, before.at(name)));
    for (const auto& p : teacher.parameters()) {
      QVERIFY(!p.requires_grad());
      QVERIFY(!p.grad().defined());
    }
    QVERIFY(!torch::equal(studentWeight(t), studentBefore));  // the student did train
    // Frozen slots are not written into checkpoints; trainable and EMA slots are.
    const auto ckpt = *vds::latestCheckpoint(dir / "r" / "checkpoints");
    QVERIFY(std::filesystem::exists(ckpt / "student.safetensors"));
    QVERIFY(std::filesystem::exists(ckpt / "ema.safetensors"));
    QVERIFY(!std::filesystem::exists(ckpt / "teacher.safetensors"));
  }

  void nonFiniteStepsAreSkippedAndCounted() {
    vds::test::TempDir dir;
    auto method = std::make_unique<ToyMethod>();
    method->nanSteps = {1};
    vds::CollectingSink sink;
    vds::Trainer t(makeConfig(2), std::move(method), makeLoader(), {dir / "r"}, &sink);
    // Run one step, then the NaN step: the weights must not change on the NaN step.
    t.context().totalSteps = 1;
    t.run();
    const torch::Tensor afterFirst = studentWeight(t);
    t.context().totalSteps = 2;
    t.run();
    QVERIFY(torch::equal(studentWeight(t), afterFirst));
    const auto scalars = sink.only<vds::ScalarsEvent>();
    QCOMPARE(scalars.back().values.at("nonfinite_steps"), 1.0);
  }

  void tooManyNonFiniteStepsStopWithCheckpointKept() {
    vds::test::TempDir dir;
    auto method = std::make_unique<ToyMethod>();
    method->nanSteps = {3, 4};
    vds::Trainer t(makeConfig(6, "  max_nan_steps: 1\n"), std::move(method), makeLoader(), {dir / "r"}, nullptr);
    VDS_EXPECT_THROW_MSG(t.run(), vds::TrainingError, "trainer.max_nan_steps = 1");
    const auto latest = vds::latestCheckpoint(dir / "r" / "checkpoints");
    QVERIFY(latest.has_value());
    QCOMPARE(latest->filename().string(), std::string("step-000003"));
  }

  void commandsFromAnotherThread() {
    vds::test::TempDir dir;
    vds::CollectingSink sink;
    vds::Trainer t(makeConfig(1000000), std::make_unique<ToyMethod>(), makeLoader(),
                   {dir / "r"}, &sink);
    vds::WorldOptions world;
    world.width = world.height = 8;
    world.frames = 2;
    vds::Batch preview;
    preview.captions = {"a red circle moving left", "a blue square moving up"};
    t.setPreview(preview);
    t.commands().push(vds::PauseCommand{});
    std::thread front([&] {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      t.commands().push(vds::SampleNowCommand{});
      t.commands().push(vds::SaveNowCommand{});
      t.commands().push(vds::ResumeCommand{});
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      t.commands().push(vds::StopCommand{});
    });
    vds::RunOutcome outcome = vds::RunOutcome::Finished;
    try {
      outcome = t.run();
    } catch (...) {
      front.join();
      throw;
    }
    front.join();
    QCOMPARE(int(outcome), int(vds::RunOutcome::Stopped));
    bool paused = false, resumed = false, stopped = false;
    for (const auto& s : sink.only<vds::StatusEvent>()) {
      paused |= s.state == vds::StatusEvent::State::Paused;
      resumed |= s.state == vds::StatusEvent::State::Resumed;
      stopped |= s.state == vds::StatusEvent::State::Stopped;
    }
    QVERIFY(paused && resumed && stopped);
    QVERIFY(!sink.only<vds::SampleEvent>().empty());
    // Stop saves first: the newest checkpoint is at the step where it stopped.
    const auto latest = vds::latestCheckpoint(dir / "r" / "checkpoints");
    QVERIFY(latest.has_value());
    QCOMPARE(latest->filename().string(), vds::checkpointName(t.step()));
    QVERIFY(std::filesystem::exists(dir / "r" / "samples" / "step-000000" / "toy.png"));
  }

  void checkpointsArePrunedAndStagingIsIgnored() {
    vds::test::TempDir dir;
    vds::Trainer t(makeConfig(12, "  keep_checkpoints: 2\n"), std::make_unique<ToyMethod>(), makeLoader(),
                   {dir / "r"}, nullptr);
    std::filesystem::create_directories(dir / "r" / "checkpoints" / "step-000099.staging-123");
    vds::test::writeBytes(dir / "r" / "checkpoints" / "step-000099.staging-123" / "state.yaml", "step: 99\n");
    t.run();
    const auto all = vds::listCheckpoints(dir / "r" / "checkpoints");
    QCOMPARE(all.size(), size_t(2));
    QCOMPARE(all[0].filename().string(), std::string("step-000009"));
    QCOMPARE(all[1].filename().string(), std::string("step-000012"));
  }

  void corruptCheckpointNamesTheFile() {
    vds::test::TempDir dir;
    {
      vds::Trainer t(makeConfig(3), std::make_unique<ToyMethod>(), makeLoader(), {dir / "r"}, nullptr);
      t.run();
    }
    const auto ckpt = *vds::latestCheckpoint(dir / "r" / "checkpoints");
    const std::string bytes = vds::test::readBytes(ckpt / "student.safetensors");
    vds::test::writeBytes(ckpt / "student.safetensors", bytes.substr(0, bytes.size() / 2));
    vds::Trainer again(makeConfig(6), std::make_unique<ToyMethod>(), makeLoader(), {dir / "r"}, nullptr);
    VDS_EXPECT_THROW_MSG(again.resumeLatest(), vds::FormatError, "student.safetensors");
  }
};

QTEST_GUILESS_MAIN(TrainerTest)
#include "test_trainer.moc"
