// AVDM2 (specs/000): a few-step video student trained with video adversarial
// distribution matching (a diffusion GAN whose discriminator is the teacher's frozen
// UNet encoder plus a trainable multi-scale head) and frame-level 2D score distribution
// matching against a swappable 2D "style" model.
//
// Slots: student (trainable video UNet, motion modules and backbone at separate rates),
// teacher (frozen video UNet; its encoder is the discriminator's feature extractor),
// discriminator (the head), style_2d (frozen 2D real score), fake_score_2d (trainable 2D
// fake score). The autoencoder and text encoders are frozen and not slots.
//
// Every choice the paper leaves open is a setting under method.avdm2 (see schema()).
#include "methods/avdm2.h"

#include <unistd.h>

#include <cmath>
#include <map>
#include <optional>

#include "core/errors.h"
#include "core/log.h"
#include "core/paths.h"
#include "diffusion/denoiser.h"
#include "methods/distill_common.h"
#include "methods/pretrain.h"
#include "models/discriminator.h"
#include "pipeline/generate.h"
#include "pipeline/model_zoo.h"

namespace fs = std::filesystem;

namespace vds {

std::string studentPackageName(size_t steps, const fs::path& stylePath) {
  std::string name = "shapes-avdm2-" + std::to_string(steps) + "step";
  std::string style = stylePath.filename().string();
  if (style.empty()) style = stylePath.parent_path().filename().string();  // "DIR/"
  if (style.rfind("style-", 0) == 0) style = style.substr(6);
  if (!style.empty() && style != "image-base") name += "-" + style;
  return name;
}

namespace {

constexpr const char* kJob = "avdm2";
constexpr int kBinWidth = 100;

std::string key(const std::string& name) { return std::string("method.") + kJob + "." + name; }

// Canonical form of a package path, to tell whether two references are the same package.
fs::path canonicalPackage(const fs::path& p) {
  std::error_code ec;
  const fs::path c = fs::weakly_canonical(p, ec);
  return ec ? fs::absolute(p) : c;
}

torch::Tensor gatherFrames(const torch::Tensor& video, const torch::Tensor& index) {
  // video [B,F,C,h,w], index [B,K] -> [B,K,C,h,w]
  return video.gather(1, index.view({index.size(0), index.size(1), 1, 1, 1})
                             .expand({-1, -1, video.size(2), video.size(3), video.size(4)}));
}

class Avdm2Distillation : public Method {
 public:
  std::string name() const override { return kJob; }

  ConfigSchema schema() const override {
    ConfigSchema s;
    s.add(makeField(key("teacher"), FieldType::String, YAML::Node("builtin:t2v-teacher"),
                    "Text-to-video teacher (video_unet, DDPM): initialises the student, and its frozen encoder is the "
                    "discriminator's feature extractor (specs/000 §2)."));
    s.add(makeField(key("student_init"), FieldType::String, YAML::Node(""),
                    "Package the student (and its EMA) starts from; empty: the teacher. It must have the "
                    "teacher's architecture, latent space, text encoder and preconditioning, e.g. the teacher "
                    "with its guidance distilled (train t2v with method.t2v.distil_guidance)."));
    s.add(makeField(key("style"), FieldType::String, YAML::Node("builtin:image-base"),
                    "2D model of the frame-level SDM real score (specs/000 §3.3): the image base keeps the teacher's "
                    "look, a style model (builtin:style-NAME) moves the student towards its style."));
    s.add(withRange(makeField(key("student_steps"), FieldType::Int, YAML::Node(4),
                              "Sampling steps of the student: 1, 2 or 4 in the paper's terms (specs/000 §5)."),
                    1, 50));
    s.add(makeField(key("timesteps"), FieldType::FloatList, YAML::Node(YAML::NodeType::Sequence),
                    "Explicit student timesteps, noisiest first; empty: DMD2's T-1, T-1-T/N, ... "
                    "([999, 749, 499, 249] for 4 steps; specs/000 Appendix A [X])."));
    s.add(withRange(makeField(key("lr_motion"), FieldType::Float, YAML::Node(2e-5),
                              "Student learning rate of the motion modules (paper: 2e-5)."),
                    0, 1));
    s.add(withRange(makeField(key("lr_spatial"), FieldType::Float, YAML::Node(4e-6),
                              "Student learning rate of the 2D backbone (paper: 4e-6)."),
                    0, 1));
    s.add(withRange(makeField(key("lr_discriminator"), FieldType::Float, YAML::Node(2e-5),
                              "Discriminator head learning rate (paper: 2e-5)."),
                    0, 1));
    s.add(withRange(makeField(key("lr_fake"), FieldType::Float, YAML::Node(2e-5),
                              "2D fake score learning rate (paper: 2e-5)."),
                    0, 1));
    s.add(withRange(makeField(key("weight_decay"), FieldType::Float, YAML::Node(0.01),
                              "AdamW weight decay of every optimiser (paper: 0.01)."),
                    0, 1));
    s.add(withRange(makeField(key("lambda_sdm"), FieldType::Float, YAML::Node(1.0),
                              "Weight of the frame-level SDM loss (not given by the paper, [U])."),
                    0, 1e6));
    s.add(withRange(makeField(key("lambda_adm"), FieldType::Float, YAML::Node(1.0),
                              "Weight of the video ADM generator loss (not given by the paper, [U])."),
                    0, 1e6));
    s.add(withRange(makeField(key("sdm_frames"), FieldType::Int, YAML::Node(2),
                              "K, frames per video given to the 2D SDM (not given by the paper, [U])."),
                    1, 256));
    s.add(makeChoice(key("sdm_frame_choice"), {"per_video", "shared"},
                     "K frames drawn without replacement for each video, or one draw for the whole batch ([U])."));
    s.add(withRange(makeField(key("sdm_t_min"), FieldType::Float, YAML::Node(0.2), "SDM t range start, as a fraction of T (paper: 0.2)."), 0, 1));
    s.add(withRange(makeField(key("sdm_t_max"), FieldType::Float, YAML::Node(0.98), "SDM t range end, as a fraction of T (paper: 0.98)."), 0, 1));
    s.add(withRange(makeField(key("adm_t_min"), FieldType::Float, YAML::Node(0.0), "ADM t range start, as a fraction of T (paper: 0)."), 0, 1));
    s.add(withRange(makeField(key("adm_t_max"), FieldType::Float, YAML::Node(0.5), "ADM t range end, as a fraction of T (paper: 0.5)."), 0, 1));
    s.add(makeChoice(key("sdm_weighting"), {"dmd", "unit"},
                     "w(t) of the SDM gradient: DMD's x0-space normalisation ([X]) or 1 on eps_real - eps_fake ([U])."));
    s.add(withRange(makeField(key("sdm_cfg"), FieldType::Float, YAML::Node(3.0),
                              "Classifier-free guidance of the 2D real score inside SDM; 1 disables ([U], DMD-style)."),
                    0, 50));
    s.add(makeChoice(key("fake_frames"), {"all", "sdm"},
                     "Frames the 2D fake score trains on: every generated frame, or only the K SDM frames ([U])."));
    s.add(withRange(makeField(key("update_ratio"), FieldType::Int, YAML::Node(2),
                              "Discriminator and fake-score updates per generator update (paper: 2)."),
                    1, 100));
    s.add(makeChoice(key("critic_samples"), {"fresh", "reuse"},
                     "On iterations without a generator update the critics train on fresh no-grad student samples, or "
                     "reuse the last generator sample ([U])."));
    s.add(makeField(key("disc_taps"), FieldType::IntList, YAML::Node(YAML::NodeType::Sequence),
                    "Encoder blocks feeding the discriminator head; empty: the last block of each down level and the "
                    "middle block, last three ([U])."));
    s.add(withRange(makeField(key("disc_channels"), FieldType::Int, YAML::Node(64), "Width of the discriminator head."), 1, 4096));
    s.add(makeField(key("disc_text"), FieldType::Bool, YAML::Node(true),
                    "The discriminator's encoder sees the caption through cross-attention ([U])."));
    s.add(withRange(makeField(key("disc_mismatch"), FieldType::Float, YAML::Node(0.0),
                              "Weight of a matching-aware discriminator term: real clips paired with another clip's "
                              "caption count as fake, so the discriminator, and through it the generator, must "
                              "follow the caption (not in the paper; 0 disables; needs disc_text)."),
                    0, 1e6));
    s.add(makeField(key("swap_reinit_fake"), FieldType::Bool, YAML::Node(true),
                    "A style swap re-initialises the fake score from the new style model (Alg. 1 l.2) or keeps it."));
    s.add(withRange(makeField(key("triptych_t"), FieldType::Int, YAML::Node(500),
                              "Timestep of the triptych preview (generator, real-score and fake-score x0)."),
                    1, 999));
    s.add(withRange(makeField(key("teacher_steps"), FieldType::Int, YAML::Node(25), "Teacher preview: DDIM steps."), 1, 1000));
    s.add(withRange(makeField(key("teacher_cfg"), FieldType::Float, YAML::Node(4.0), "Teacher preview: guidance."), 0, 50));
    return s;
  }

  void setup(TrainContext& ctx) override {
    torch::manual_seed(ctx.config.get<uint64_t>("run.seed"));
    const Config& c = ctx.config;
    teacherPath_ = resolveModelPath(c.get<std::string>(key("teacher")));
    LoadedDiffusionModel teacher = loadDiffusionModel(teacherPath_);
    if (teacher.kind != kKindVideoUNet)
      throw ConfigError(key("teacher") + ": '" + teacherPath_.string() + "' is a " + teacher.kind + ", not a video_unet");
    if (teacher.spec.schedule.edm)
      throw ConfigError(key("teacher") + ": '" + teacherPath_.string() + "' uses an EDM schedule; AVDM2 needs a DDPM teacher");
    teacherSpec_ = teacher.spec;
    schedule_ = teacher.spec.schedule.ddpmSchedule();
    const int T = schedule_.numTimesteps();
    autoencoderPath_ = canonicalPackage(teacher.autoencoderPath());
    autoencoder_ = loadAutoencoder(autoencoderPath_);
    freeze(*autoencoder_->module);
    if (!teacher.textEncoderPath().empty()) {
      textEncoderPath_ = canonicalPackage(teacher.textEncoderPath());
      text_ = loadTextEncoder(textEncoderPath_);
      freeze(*text_->module);
    }

    // Student timesteps (replayed exactly at inference).
    timesteps_ = c.get<std::vector<double>>(key("timesteps"));
    if (timesteps_.empty()) timesteps_ = studentTimesteps(static_cast<int>(c.get<int64_t>(key("student_steps"))), T);
    for (size_t i = 0; i < timesteps_.size(); ++i) {
      if (timesteps_[i] < 1 || timesteps_[i] > T - 1 || (i > 0 && !(timesteps_[i] < timesteps_[i - 1])))
        throw ConfigError(key("timesteps") + ": must decrease strictly within [1, " + std::to_string(T - 1) + "]");
    }
    levels_ = schedule_.levels(timesteps_, /*appendClean=*/false);

    // Student: all of the teacher (or of student_init), motion modules and backbone at their
    // own rates.
    studentInitPath_ = teacherPath_;
    if (!c.get<std::string>(key("student_init")).empty()) {
      studentInitPath_ = resolveModelPath(c.get<std::string>(key("student_init")));
      LoadedDiffusionModel init = loadDiffusionModel(studentInitPath_);
      checkStudentInit(init, *teacher.module);
      teacher.module = init.module;
    }
    student_ = VideoUNet(std::dynamic_pointer_cast<VideoUNetImpl>(teacher.module));
    SlotOptions so;
    so.learningRate = c.get<double>(key("lr_motion"));
    so.weightDecay = c.get<double>(key("weight_decay"));
    const double spatialScale = so.learningRate > 0 ? c.get<double>(key("lr_spatial")) / so.learningRate : 0.0;
    so.lrScale = [spatialScale](const std::string& name) {
      return VideoUNetImpl::isMotionParameter(name) ? 1.0 : spatialScale;
    };
    ctx.slots.add(slot::kStudent, student_.ptr(), so);
    // Optional EMA of the student (trainer.ema_decay), starting from the teacher like the
    // student; it is what previews sample and what the export holds.
    emaDecay_ = c.get<double>("trainer.ema_decay");
    if (emaDecay_ > 0) {
      ema_ = VideoUNet(std::dynamic_pointer_cast<VideoUNetImpl>(loadDiffusionModel(studentInitPath_).module));
      SlotOptions eo;
      eo.trainedByEma = true;
      ctx.slots.add(slot::kEma, ema_.ptr(), eo);
    }

    // Teacher copy: frozen; its encoder is the discriminator's feature extractor.
    LoadedDiffusionModel frozen = loadDiffusionModel(teacherPath_);
    teacher_ = VideoUNet(std::dynamic_pointer_cast<VideoUNetImpl>(frozen.module));
    SlotOptions frozenOptions;
    frozenOptions.frozen = true;
    ctx.slots.add(slot::kTeacher, teacher_.ptr(), frozenOptions);

    // Discriminator head on three encoder taps.
    const auto& spatial = *teacher_->spatial;
    taps_ = c.get<std::vector<int64_t>>(key("disc_taps"));
    if (taps_.empty()) taps_ = defaultTaps(spatial);
    MultiScaleHeadOptions ho;
    for (int64_t tap : taps_) {
      if (tap < 0 || tap >= spatial.encoderBlocks())
        throw ConfigError(key("disc_taps") + ": block " + std::to_string(tap) + " is not an encoder block (0.." +
                          std::to_string(spatial.encoderBlocks() - 1) + ")");
      ho.inChannels.push_back(spatial.blockChannels().at(static_cast<size_t>(tap)));
    }
    ho.channels = c.get<int64_t>(key("disc_channels"));
    head_ = MultiScaleHead(ho);
    SlotOptions disc;
    disc.learningRate = c.get<double>(key("lr_discriminator"));
    disc.weightDecay = so.weightDecay;
    ctx.slots.add(slot::kDiscriminator, head_.ptr(), disc);

    // 2D real score (style) and fake score.
    stylePath_ = resolveModelPath(c.get<std::string>(key("style")));
    loadStyle(stylePath_);
    SlotOptions styleOptions;
    styleOptions.frozen = true;
    ctx.slots.add(slot::kStyle2d, style_.ptr(), styleOptions);
    SlotOptions fo;
    fo.learningRate = c.get<double>(key("lr_fake"));
    fo.weightDecay = so.weightDecay;
    fake_ = loadStyleCopy(stylePath_);
    ctx.slots.add(slot::kFakeScore2d, fake_.ptr(), fo);

    lambdaSdm_ = c.get<double>(key("lambda_sdm"));
    lambdaAdm_ = c.get<double>(key("lambda_adm"));
    weighting_ = parseSdmWeighting(c.get<std::string>(key("sdm_weighting")));
    sdmT_ = {fractionToT(c.get<double>(key("sdm_t_min")), T), fractionToT(c.get<double>(key("sdm_t_max")), T)};
    admT_ = {fractionToT(c.get<double>(key("adm_t_min")), T), fractionToT(c.get<double>(key("adm_t_max")), T)};
    if (sdmT_.second < sdmT_.first) throw ConfigError(key("sdm_t_max") + " must not be below " + key("sdm_t_min"));
    if (admT_.second < admT_.first) throw ConfigError(key("adm_t_max") + " must not be below " + key("adm_t_min"));
    ratio_ = c.get<int64_t>(key("update_ratio"));
    discText_ = c.get<bool>(key("disc_text"));
    discMismatch_ = c.get<double>(key("disc_mismatch"));
    if (discMismatch_ > 0 && !discText_)
      throw ConfigError(key("disc_mismatch") + " needs " + key("disc_text") + ": a discriminator blind to the caption "
                        "cannot tell a mismatched one");
    if (discMismatch_ > 0 && !text_)
      throw ConfigError(key("disc_mismatch") + ": the teacher '" + teacherPath_.string() + "' has no text encoder");

    for (const auto& name : ctx.slots.names()) ctx.slots.at(name).module->to(ctx.device);
    autoencoder_->module->to(ctx.device);
    if (text_) text_->module->to(ctx.device);
    if (styleText_) styleText_->module->to(ctx.device);
  }

  StepResult step(TrainContext& ctx, const Batch& batch) override {
    StepResult r;
    const int T = schedule_.numTimesteps();
    student_->train();
    head_->train();
    fake_->train();
    torch::Tensor real, context, styleContext, styleUncond;
    {
      torch::NoGradGuard noGrad;
      real = autoencoder_->module->encodeVideo(batch.video.to(ctx.device));  // [B,F,C,h,w]
      context = encode(text_, batch.captions);
      styleContext = encode(styleText(), batch.captions);
      if (lambdaSdm_ > 0 && sdmCfg(ctx) != 1.0) styleUncond = uncond(styleText(), real.size(0));
    }
    const int64_t b = real.size(0), frames = real.size(1);
    const bool generatorTurn = ctx.step % ratio_ == 0;

    torch::Tensor sample;  // detached generator output the critics train on
    if (generatorTurn) {
      auto scope = ctx.timer.scope("generator");
      const int64_t k = drawStep(ctx);
      torch::Tensor x = simulate(ctx, real.sizes().vec(), context, k);
      const torch::Tensor tk = torch::full({b}, timesteps_[static_cast<size_t>(k)], torch::kFloat64);
      const torch::Tensor x0 = studentX0(x, levelsFor(tk), context);
      const torch::Tensor x0d = x0.detach().requires_grad_(true);

      // Video ADM, generator side: non-saturating, sign-corrected (specs/000 §3.2).
      torch::Tensor gAdm = torch::zeros_like(x0d);
      if (lambdaAdm_ > 0) {
        const torch::Tensor t = ctx.randint(admT_.first, admT_.second + 1, {b});
        const torch::Tensor xt = noised(ctx, x0d, t);
        const torch::Tensor perVideo = rowMean(torch::softplus(-discriminate(xt, t, context)).view({b, -1}));
        const torch::Tensor loss = perVideo.mean();
        gAdm = torch::autograd::grad({loss}, {x0d})[0].detach();
        r.losses["adm_g"] = loss.item<double>();
        addTimestepBins(r.diagnostics, "adm_g", t, perVideo, kBinWidth, T);
      }
      // Frame-level 2D SDM on K frames (specs/000 §3.3): a stop-gradient target.
      torch::Tensor gSdm = torch::zeros_like(x0d);
      if (lambdaSdm_ > 0) {
        const int64_t kFrames = std::min<int64_t>(ctx.config.get<int64_t>(key("sdm_frames")), frames);
        const torch::Tensor idx = pickFrames(ctx, b, frames, kFrames);
        const torch::Tensor sub = gatherFrames(x0d.detach(), idx).flatten(0, 1);  // [B*K,C,h,w]
        const torch::Tensor t = ctx.randint(sdmT_.first, sdmT_.second + 1, {b * kFrames});
        const torch::Tensor eps = ctx.randn(sub.sizes());
        const auto lv = levelsFor(t);
        const torch::Tensor xt = scaleRows(lv.alpha, sub) + scaleRows(lv.sigma, eps);
        const torch::Tensor ctxK = styleContext.repeat_interleave(kFrames, 0);
        torch::Tensor epsReal, epsFake;
        {
          torch::NoGradGuard noGrad;
          epsReal = realScoreEps(xt, lv, ctxK, styleUncond.defined() ? styleUncond.repeat_interleave(kFrames, 0) : styleUncond,
                                 sdmCfg(ctx));
          epsFake = imageEps(fake_, xt, lv, ctxK);
        }
        const torch::Tensor g = sdmGradient(sub, xt, epsReal, epsFake, lv.alpha.to(torch::kFloat), lv.sigma.to(torch::kFloat),
                                            weighting_);
        // Surrogate 0.5 * mean((x - sg(x - g))^2): its gradient is g / numel.
        const torch::Tensor perFrame = 0.5 * rowMean(g.pow(2));
        r.losses["sdm"] = perFrame.mean().item<double>();
        r.diagnostics["sdm_eps_gap"] = (epsReal - epsFake).abs().mean().item<double>();
        addTimestepBins(r.diagnostics, "sdm", t, perFrame, kBinWidth, T);
        const torch::Tensor scattered = torch::zeros_like(x0d);
        const torch::Tensor gv = (g / static_cast<double>(g.numel())).view({b, kFrames, g.size(1), g.size(2), g.size(3)});
        gSdm = scattered.scatter(1, idx.view({b, kFrames, 1, 1, 1}).expand_as(gv), gv);
      }
      const double nAdm = lambdaAdm_ * gAdm.norm().item<double>();
      const double nSdm = lambdaSdm_ * gSdm.norm().item<double>();
      r.diagnostics["grad_norm/adm"] = nAdm;
      r.diagnostics["grad_norm/sdm"] = nSdm;
      // The balance meter: the lambda_adm that would give both terms equal pull on x0.
      if (nAdm > 0 && nSdm > 0) r.diagnostics["balance/suggested_lambda_adm"] = lambdaAdm_ * nSdm / nAdm;
      const torch::Tensor total = lambdaSdm_ * gSdm + lambdaAdm_ * gAdm;
      if (torch::isfinite(total).all().item<bool>()) {
        x0.backward(total);
        if (ctx.applyStep(slot::kStudent) && ema_) ctx.updateEma(slot::kEma, slot::kStudent, emaDecay_);
      } else {
        ++ctx.skippedUpdates;
        ctx.slots.at(slot::kStudent).optimizer->zero_grad();
      }
      sample = x0.detach();
      lastSample_ = sample;
      r.diagnostics["student_step_index"] = static_cast<double>(k);
    } else if (ctx.config.get<std::string>(key("critic_samples")) == "reuse" && lastSample_.defined() &&
               lastSample_.size(0) == b) {
      sample = lastSample_;
    } else {
      auto scope = ctx.timer.scope("generator");
      torch::NoGradGuard noGrad;
      const int64_t k = drawStep(ctx);
      torch::Tensor x = simulate(ctx, real.sizes().vec(), context, k);
      const torch::Tensor tk = torch::full({b}, timesteps_[static_cast<size_t>(k)], torch::kFloat64);
      sample = studentX0(x, levelsFor(tk), context).detach();
    }

    // 2D fake score: the denoising loss on generated frames (Alg. 1 l.13-15).
    {
      auto scope = ctx.timer.scope("fake_score");
      torch::Tensor frameSet = sample.flatten(0, 1);
      torch::Tensor ctxF = styleContext.repeat_interleave(frames, 0);
      if (ctx.config.get<std::string>(key("fake_frames")) == "sdm") {
        const int64_t kFrames = std::min<int64_t>(ctx.config.get<int64_t>(key("sdm_frames")), frames);
        frameSet = gatherFrames(sample, pickFrames(ctx, b, frames, kFrames)).flatten(0, 1);
        ctxF = styleContext.repeat_interleave(kFrames, 0);
      }
      const torch::Tensor t = ctx.randint(sdmT_.first, sdmT_.second + 1, {frameSet.size(0)});
      const torch::Tensor eps = ctx.randn(frameSet.sizes());
      const auto lv = levelsFor(t);
      const torch::Tensor xt = scaleRows(lv.alpha, frameSet) + scaleRows(lv.sigma, eps);
      const torch::Tensor perFrame = rowMean((imageEps(fake_, xt, lv, ctxF) - eps).pow(2));
      const torch::Tensor loss = perFrame.mean();
      r.losses["fake_denoise"] = loss.item<double>();
      addTimestepBins(r.diagnostics, "fake_denoise", t, perFrame, kBinWidth, T);
      ctx.optimize(slot::kFakeScore2d, loss);
    }

    // Discriminator (Eq. 6, logit form): real latents against detached samples.
    {
      auto scope = ctx.timer.scope("discriminator");
      const torch::Tensor tReal = ctx.randint(admT_.first, admT_.second + 1, {b});
      const torch::Tensor tFake = ctx.randint(admT_.first, admT_.second + 1, {b});
      const torch::Tensor realLogits = discriminate(noised(ctx, real, tReal), tReal, context).view({b, -1});
      const torch::Tensor fakeLogits = discriminate(noised(ctx, sample, tFake), tFake, context).view({b, -1});
      const torch::Tensor lossReal = rowMean(torch::softplus(-realLogits));
      const torch::Tensor lossFake = rowMean(torch::softplus(fakeLogits));
      torch::Tensor loss = lossReal.mean() + lossFake.mean();
      // Matching-aware term: each real clip with the next clip's caption, where that caption
      // differs, is a negative.
      if (discMismatch_ > 0) {
        std::vector<int64_t> rows;
        for (int64_t i = 0; i < b; ++i)
          if (batch.captions[static_cast<size_t>(i)] != batch.captions[static_cast<size_t>((i + 1) % b)]) rows.push_back(i);
        if (!rows.empty()) {
          const torch::Tensor sel = torch::tensor(rows, torch::kLong).to(ctx.device);
          const torch::Tensor other = context.roll(-1, 0).index_select(0, sel);
          const torch::Tensor tMis = ctx.randint(admT_.first, admT_.second + 1, {sel.size(0)});
          const torch::Tensor misLogits =
              discriminate(noised(ctx, real.index_select(0, sel), tMis), tMis, other).view({sel.size(0), -1});
          const torch::Tensor lossMis = rowMean(torch::softplus(misLogits)).mean();
          loss = loss + discMismatch_ * lossMis;
          r.losses["d_mismatch"] = lossMis.item<double>();
        }
      }
      r.losses["d_real"] = lossReal.mean().item<double>();
      r.losses["d_fake"] = lossFake.mean().item<double>();
      r.diagnostics["d_accuracy"] =
          0.5 * ((realLogits.detach() > 0).to(torch::kFloat).mean().item<double>() +
                 (fakeLogits.detach() < 0).to(torch::kFloat).mean().item<double>());
      addTimestepBins(r.diagnostics, "d_real", tReal, lossReal, kBinWidth, T);
      addTimestepBins(r.diagnostics, "d_fake", tFake, lossFake, kBinWidth, T);
      ctx.optimize(slot::kDiscriminator, loss);
    }
    r.diagnostics["lambda_sdm"] = lambdaSdm_;
    r.diagnostics["lambda_adm"] = lambdaAdm_;
    r.diagnostics["style_swaps"] = static_cast<double>(swaps_.size());
    return r;
  }

  std::vector<SampleOutput> sample(TrainContext& ctx, const SampleRequest& request) override {
    const fs::path scratch = fs::temp_directory_path() / ("vds-preview-" + std::to_string(::getpid()) + "-avdm2");
    exportPackage(ctx, (scratch / "student").string());
    GenerationModels models = GenerationModels::load(scratch / "student");
    GenerateRequest g;
    g.prompts = request.captions;
    g.sampler = diffusion::SamplerKind::consistency;
    g.timesteps = timesteps_;
    g.seed = request.seed;
    const GenerateResult student = generate(models, g);
    std::error_code ec;
    fs::remove_all(scratch, ec);

    std::vector<SampleOutput> out;
    out.push_back({"student-" + std::to_string(timesteps_.size()) + "step", student.videos});
    if (!teacherPreview_.defined() || teacherPreviewCaptions_ != request.captions) {
      GenerationModels teacher = GenerationModels::load(teacherPath_);
      GenerateRequest tg;
      tg.prompts = request.captions;
      tg.sampler = diffusion::SamplerKind::ddim;
      tg.steps = static_cast<int>(ctx.config.get<int64_t>(key("teacher_steps")));
      tg.cfg = ctx.config.get<double>(key("teacher_cfg"));
      tg.seed = request.seed;
      teacherPreview_ = generate(teacher, tg).videos;
      teacherPreviewCaptions_ = request.captions;
    }
    out.push_back({"teacher", teacherPreview_});
    out.push_back({"real", toUint8Video(request.videos)});
    out.push_back({"triptych",
                   triptych(ctx, student.latents.narrow(0, 0, 1).to(ctx.device), request.captions.front(), request.seed),
                   {"generator x0", "real-score x0", "fake-score x0"}});
    return out;
  }

  void exportPackage(TrainContext& ctx, const std::string& dir) override {
    DiffusionSpec spec = teacherSpec_;
    spec.latent.autoencoder = packageReference(dir, autoencoderPath_);
    spec.textEncoder = textEncoderPath_.empty() ? "" : packageReference(dir, textEncoderPath_);
    SamplingSpec sampling;
    sampling.sampler = diffusion::SamplerKind::consistency;
    sampling.timesteps = timesteps_;
    sampling.cfg = 1.0;  // the students sample without guidance (specs/000 §5)
    spec.sampling = sampling;
    PackageInfo info = trainedPackageInfo(ctx, studentPackageName(timesteps_.size(), stylePath_),
                                          "AVDM2 student of " + teacherPath_.filename().string() + " distilled with 2D SDM model " +
                                              stylePath_.filename().string() + ".");
    info.training["teacher"] = modelReference(teacherPath_);
    info.training["style"] = modelReference(stylePath_);
    if (studentInitPath_ != teacherPath_) info.training["student_init"] = modelReference(studentInitPath_);
    info.training["lambda_sdm"] = lambdaSdm_;
    info.training["lambda_adm"] = lambdaAdm_;
    info.training["sdm_frames"] = ctx.config.get<int64_t>(key("sdm_frames"));
    if (discMismatch_ > 0) info.training["disc_mismatch"] = discMismatch_;
    if (ema_) info.training["ema_decay"] = emaDecay_;
    saveDiffusionModel(dir, info, kKindVideoUNet, ema_ ? *ema_ : *student_, spec);
  }

  YAML::Node saveState() const override {
    YAML::Node n;
    n["style"] = stylePath_.string();
    n["lambda_sdm"] = lambdaSdm_;
    n["lambda_adm"] = lambdaAdm_;
    for (const auto& [step, path] : swaps_) {
      YAML::Node s;
      s["step"] = step;
      s["style"] = path;
      n["swaps"].push_back(s);
    }
    return n;
  }

  void loadState(TrainContext& ctx, const YAML::Node& state) override {
    if (!state || !state.IsMap()) return;
    if (state["lambda_sdm"]) lambdaSdm_ = state["lambda_sdm"].as<double>();
    if (state["lambda_adm"]) lambdaAdm_ = state["lambda_adm"].as<double>();
    swaps_.clear();
    if (state["swaps"])
      for (const auto& s : state["swaps"]) swaps_.emplace_back(s["step"].as<int64_t>(), s["style"].as<std::string>());
    if (state["style"]) {
      const fs::path saved = state["style"].as<std::string>();
      // The fake score's weights come from the checkpoint; only the frozen style model
      // has to follow the swaps made before the save.
      if (canonicalPackage(saved) != canonicalPackage(stylePath_)) {
        loadStyle(saved);
        ctx.slots.replace(slot::kStyle2d, style_.ptr());
        style_->to(ctx.device);
        if (styleText_) styleText_->module->to(ctx.device);
        stylePath_ = saved;
      }
    }
  }

  bool handle(TrainContext& ctx, const Command& command) override {
    if (const auto* swap = std::get_if<SwapStyleCommand>(&command)) {
      swapStyle(ctx, resolveModelPath(swap->packagePath), swap->reinitFakeScore);
      return true;
    }
    if (const auto* w = std::get_if<SetLossWeightCommand>(&command)) {
      if (!(w->value >= 0) || !std::isfinite(w->value))
        throw ConfigError("loss weight '" + w->name + "' must be finite and >= 0");
      if (w->name == "sdm" || w->name == "lambda_sdm")
        lambdaSdm_ = w->value;
      else if (w->name == "adm" || w->name == "lambda_adm")
        lambdaAdm_ = w->value;
      else
        throw ConfigError("AVDM2 has loss weights 'sdm' and 'adm', not '" + w->name + "'");
      if (ctx.events)
        ctx.events->post(LogEvent{LogEvent::Level::Info, "loss weight " + w->name + " set to " + std::to_string(w->value)});
      return true;
    }
    return false;
  }

  // For tests and diagnostics.
  const std::vector<double>& timesteps() const { return timesteps_; }

 private:
  static void freeze(torch::nn::Module& m) {
    m.eval();
    for (auto& p : m.parameters()) p.set_requires_grad(false);
  }

  static int fractionToT(double fraction, int T) {
    return static_cast<int>(std::lround(std::clamp(fraction, 0.0, 1.0) * (T - 1)));
  }

  // The last block of each down level, then the middle block; the last three of them.
  static std::vector<int64_t> defaultTaps(const ImageUNetImpl& unet) {
    const auto factors = unet.encoderDownsampling();
    std::vector<int64_t> taps;
    for (size_t i = 0; i + 1 < factors.size(); ++i)
      if (i + 2 == factors.size() || factors[i + 1] != factors[i]) taps.push_back(static_cast<int64_t>(i));
    taps.push_back(static_cast<int64_t>(factors.size()) - 1);
    if (taps.size() > 3) taps.erase(taps.begin(), taps.end() - 3);
    return taps;
  }

  double sdmCfg(const TrainContext& ctx) const { return ctx.config.get<double>(key("sdm_cfg")); }

  static torch::Tensor encode(std::optional<LoadedTextEncoder>& text, const std::vector<std::string>& captions) {
    if (!text) return {};
    return text->module->encode(text->tokenizer, captions).context;
  }
  static torch::Tensor uncond(std::optional<LoadedTextEncoder>& text, int64_t batch) {
    if (!text) return {};
    return text->module->unconditionalContext(text->tokenizer, batch);
  }
  std::optional<LoadedTextEncoder>& styleText() { return styleText_ ? styleText_ : text_; }

  // student_init must be a drop-in for the teacher: same kind, preconditioning, schedule,
  // latent space, text encoder and tensors (names and shapes).
  void checkStudentInit(const LoadedDiffusionModel& init, const torch::nn::Module& teacher) const {
    const std::string where = key("student_init") + ": '" + init.package.dir().string() + "'";
    if (init.kind != kKindVideoUNet) throw ConfigError(where + " is a " + init.kind + ", not a video_unet");
    if (init.spec.parameterisation != teacherSpec_.parameterisation || init.spec.sigmaData != teacherSpec_.sigmaData ||
        init.spec.schedule.edm || init.spec.schedule.ddpmSchedule().alphasCumprod() != schedule_.alphasCumprod())
      throw ConfigError(where + " has another preconditioning or noise schedule than the teacher");
    if (!sharesTeacherLatent(init) || init.spec.latent.frames != teacherSpec_.latent.frames ||
        (init.textEncoderPath().empty() ? fs::path() : canonicalPackage(init.textEncoderPath())) != textEncoderPath_)
      throw ConfigError(where + " does not share the teacher's latent space and text encoder");
    const auto mine = namedState(*init.module), theirs = namedState(teacher);
    for (const auto& [name, tensor] : theirs) {
      const auto it = mine.find(name);
      if (it == mine.end() || it->second.sizes() != tensor.sizes())
        throw ConfigError(where + " does not have the teacher's architecture (tensor '" + name + "')");
    }
    if (mine.size() != theirs.size()) throw ConfigError(where + " has tensors that the teacher lacks");
  }

  // The teacher's autoencoder and latent size (channels, height, width).
  bool sharesTeacherLatent(const LoadedDiffusionModel& m) const {
    return canonicalPackage(m.autoencoderPath()) == autoencoderPath_ && m.spec.latent.channels == teacherSpec_.latent.channels &&
           m.spec.latent.height == teacherSpec_.latent.height && m.spec.latent.width == teacherSpec_.latent.width;
  }

  // Loads a 2D SDM model, checking that it shares the teacher's latent space, and its text
  // encoder when that differs from the teacher's.
  ImageUNet loadStyleCopy(const fs::path& path) const {
    LoadedDiffusionModel m = loadDiffusionModel(path);
    if (m.kind != kKindImageUNet)
      throw ConfigError(key("style") + ": '" + path.string() + "' is a " + m.kind + ", not an image_unet");
    // Any parameterisation works through the Denoiser (an edm_v style model from the style
    // job's video base included), but SDM draws DDPM timesteps, so the schedule must be DDPM.
    if (m.spec.schedule.edm)
      throw ConfigError(key("style") + ": '" + path.string() +
                        "' runs on an EDM (Karras) schedule; the 2D SDM needs a DDPM schedule");
    if (!sharesTeacherLatent(m))
      throw ConfigError(key("style") + ": '" + path.string() +
                        "' does not share the teacher's latent space (autoencoder and latent size must match)");
    if (m.spec.schedule.ddpmSchedule().alphasCumprod() != schedule_.alphasCumprod())
      throw ConfigError(key("style") + ": '" + path.string() + "' uses another noise schedule than the teacher");
    styleParam_ = m.spec.parameterisation;
    return ImageUNet(std::dynamic_pointer_cast<ImageUNetImpl>(m.module));
  }

  void loadStyle(const fs::path& path) {
    style_ = loadStyleCopy(path);
    freeze(*style_);
    LoadedDiffusionModel m = loadDiffusionModel(path);
    styleText_.reset();
    if (!m.textEncoderPath().empty() && canonicalPackage(m.textEncoderPath()) != textEncoderPath_) {
      styleText_ = loadTextEncoder(m.textEncoderPath());
      freeze(*styleText_->module);
    }
  }

  void swapStyle(TrainContext& ctx, const fs::path& path, bool reinitFake) {
    if (!fs::is_directory(path)) throw ConfigError("style swap: no model package at '" + path.string() + "'");
    loadStyle(path);
    style_->to(ctx.device);
    if (styleText_) styleText_->module->to(ctx.device);
    ctx.slots.replace(slot::kStyle2d, style_.ptr());
    if (reinitFake) {
      fake_ = loadStyleCopy(path);
      fake_->to(ctx.device);
      ctx.slots.replace(slot::kFakeScore2d, fake_.ptr());
    }
    stylePath_ = path;
    swaps_.emplace_back(ctx.step, path.string());
    const std::string message = "style swapped to " + path.string() + " at step " + std::to_string(ctx.step) +
                                (reinitFake ? " (fake score re-initialised)" : " (fake score kept)");
    logger()->info("{}", message);
    if (ctx.events) ctx.events->post(LogEvent{LogEvent::Level::Info, message});
  }

  int64_t drawStep(TrainContext& ctx) {
    return ctx.randint(0, static_cast<int64_t>(timesteps_.size()), {1}).cpu().item<int64_t>();
  }

  diffusion::BatchNoiseLevel levelsFor(const torch::Tensor& t) const {
    const torch::Tensor tc = t.to(torch::kCPU, torch::kDouble);
    std::vector<double> a, s;
    for (int64_t i = 0; i < tc.size(0); ++i) {
      const auto lv = schedule_.level(tc[i].item<double>());
      a.push_back(lv.alpha);
      s.push_back(lv.sigma);
    }
    diffusion::BatchNoiseLevel out;
    out.alpha = torch::tensor(a, torch::kFloat64);
    out.sigma = torch::tensor(s, torch::kFloat64);
    out.t = tc;
    return out;
  }

  static torch::Tensor scaleRows(const torch::Tensor& perRow, const torch::Tensor& x) {
    std::vector<int64_t> view(static_cast<size_t>(x.dim()), 1);
    view[0] = x.size(0);
    return perRow.to(x.device(), x.scalar_type()).view(view) * x;
  }

  torch::Tensor noised(TrainContext& ctx, const torch::Tensor& x0, const torch::Tensor& t) {
    const auto lv = levelsFor(t);
    return scaleRows(lv.alpha, x0) + scaleRows(lv.sigma, ctx.randn(x0.sizes()));
  }

  diffusion::Denoiser studentDenoiser() const {
    auto net = student_;
    return diffusion::Denoiser(
        [net](const torch::Tensor& x, const torch::Tensor& t, const diffusion::Conditioning& c) mutable {
          return net->forward(x, t.to(x.scalar_type()), c.context);
        },
        teacherSpec_.parameterisation, teacherSpec_.sigmaData);
  }

  torch::Tensor studentX0(const torch::Tensor& x, const diffusion::BatchNoiseLevel& lv, const torch::Tensor& context) const {
    diffusion::Conditioning cond;
    cond.context = context;
    return studentDenoiser().x0(x, lv, cond);
  }

  torch::Tensor simulate(TrainContext& ctx, std::vector<int64_t> shape, const torch::Tensor& context, int64_t k) {
    const diffusion::Denoiser d = studentDenoiser();
    diffusion::Conditioning cond;
    cond.context = context;
    auto x0 = diffusion::denoiserX0(d, cond);
    return backwardSimulate(x0, std::move(shape), levels_, k, [&ctx](at::IntArrayRef s) { return ctx.randn(s); });
  }

  torch::Tensor imageEps(ImageUNet& net, const torch::Tensor& x, const diffusion::BatchNoiseLevel& lv,
                         const torch::Tensor& context) const {
    auto n = net;
    diffusion::Denoiser d(
        [n](const torch::Tensor& xi, const torch::Tensor& t, const diffusion::Conditioning& c) mutable {
          return n->forward(xi, t.to(xi.scalar_type()), c.context);
        },
        styleParam_);
    diffusion::Conditioning cond;
    cond.context = context;
    return d.eps(x, lv, cond);
  }

  // The real score's eps, with classifier-free guidance when w != 1.
  torch::Tensor realScoreEps(const torch::Tensor& x, const diffusion::BatchNoiseLevel& lv, const torch::Tensor& context,
                             const torch::Tensor& uncondContext, double w) {
    if (w == 1.0 || !uncondContext.defined()) return imageEps(style_, x, lv, context);
    diffusion::BatchNoiseLevel both;
    both.alpha = torch::cat({lv.alpha, lv.alpha});
    both.sigma = torch::cat({lv.sigma, lv.sigma});
    both.t = torch::cat({lv.t, lv.t});
    const torch::Tensor eps = imageEps(style_, torch::cat({x, x}), both, torch::cat({context, uncondContext}));
    const auto halves = eps.chunk(2, 0);
    return halves[1] + w * (halves[0] - halves[1]);
  }

  // The time input of the teacher's network at DDPM timesteps t: t itself, or c_noise =
  // ln(sigma/alpha)/4 for an EDM-preconditioned teacher. Its other input, c_in x/alpha, is
  // x itself on a variance-preserving schedule, so the encoder takes x_t unchanged.
  torch::Tensor teacherTime(const torch::Tensor& t) const {
    if (!diffusion::isEdm(teacherSpec_.parameterisation)) return t;
    const auto lv = levelsFor(t);
    return (0.25 * (lv.sigma / lv.alpha).log()).to(t.device());
  }

  torch::Tensor discriminate(const torch::Tensor& xt, const torch::Tensor& t, const torch::Tensor& context) {
    const bool useText = discText_;
    std::vector<torch::Tensor> features = teacher_->encode(xt, teacherTime(t).to(xt.scalar_type()), useText ? context : torch::Tensor());
    std::vector<torch::Tensor> tapped;
    for (int64_t tap : taps_) tapped.push_back(features.at(static_cast<size_t>(tap)));
    return head_->forward(tapped);
  }

  torch::Tensor pickFrames(TrainContext& ctx, int64_t b, int64_t frames, int64_t k) {
    const bool shared = ctx.config.get<std::string>(key("sdm_frame_choice")) == "shared";
    const int64_t rows = shared ? 1 : b;
    const torch::Tensor scores = ctx.rand({rows, frames});
    torch::Tensor idx = std::get<1>(scores.topk(k, 1));  // k distinct frames per row
    if (shared) idx = idx.expand({b, k});
    return idx.contiguous();
  }

  // Generator x0, real-score x0 and fake-score x0 of the same noisy input, decoded.
  torch::Tensor triptych(TrainContext& ctx, const torch::Tensor& latent, const std::string& caption, uint64_t seed) {
    torch::NoGradGuard noGrad;
    style_->eval();
    fake_->eval();
    const int64_t frames = latent.size(1);
    const torch::Tensor x0 = latent.flatten(0, 1);  // [F,C,h,w]
    at::Generator gen = at::detail::createCPUGenerator(seed);
    const torch::Tensor eps = torch::randn(x0.sizes(), gen, torch::kFloat32).to(ctx.device);
    const torch::Tensor t = torch::full({frames}, ctx.config.get<int64_t>(key("triptych_t")), torch::kFloat64);
    const auto lv = levelsFor(t);
    const torch::Tensor xt = scaleRows(lv.alpha, x0) + scaleRows(lv.sigma, eps);
    const std::vector<std::string> captions(static_cast<size_t>(frames), caption);
    const torch::Tensor c = encode(styleText(), captions);
    const torch::Tensor u = uncond(styleText(), frames);
    const torch::Tensor epsReal = realScoreEps(xt, lv, c, u, sdmCfg(ctx));
    const torch::Tensor epsFake = imageEps(fake_, xt, lv, c);
    auto toX0 = [&](const torch::Tensor& e) { return (xt - scaleRows(lv.sigma, e)) / lv.alpha.to(xt.device(), xt.scalar_type()).view({-1, 1, 1, 1}); };
    const torch::Tensor stack = torch::stack({x0, toX0(epsReal), toX0(epsFake)});  // [3,F,C,h,w]
    const torch::Tensor pixels = autoencoder_->module->decodeVideo(stack);
    return toUint8Video(pixels.cpu());
  }

  fs::path teacherPath_, studentInitPath_, stylePath_, autoencoderPath_, textEncoderPath_;
  DiffusionSpec teacherSpec_;
  diffusion::DdpmSchedule schedule_ = diffusion::DdpmSchedule::scaledLinear();
  std::optional<LoadedAutoencoder> autoencoder_;
  std::optional<LoadedTextEncoder> text_, styleText_;
  VideoUNet student_{nullptr}, teacher_{nullptr};
  VideoUNet ema_{nullptr};  // trainer.ema_decay > 0 only
  double emaDecay_ = 0.0;
  MultiScaleHead head_{nullptr};
  ImageUNet style_{nullptr}, fake_{nullptr};
  mutable diffusion::Parameterisation styleParam_ = diffusion::Parameterisation::eps;
  std::vector<double> timesteps_;
  std::vector<diffusion::NoiseLevel> levels_;
  std::vector<int64_t> taps_;
  double lambdaSdm_ = 1, lambdaAdm_ = 1;
  SdmWeighting weighting_ = SdmWeighting::dmd;
  std::pair<int, int> sdmT_{200, 979}, admT_{0, 500};
  int64_t ratio_ = 2;
  bool discText_ = true;
  double discMismatch_ = 0.0;
  torch::Tensor lastSample_;
  torch::Tensor teacherPreview_;
  std::vector<std::string> teacherPreviewCaptions_;
  std::vector<std::pair<int64_t, std::string>> swaps_;
};

}  // namespace

std::unique_ptr<Method> makeAvdm2Distillation() { return std::make_unique<Avdm2Distillation>(); }

}  // namespace vds
