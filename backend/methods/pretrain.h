// Pre-training jobs of the built-in world (ARCHITECTURE §5), each a Method on the
// shared Trainer: `vdstudio-cli train {autoencoder,image,motion,style,i2v,t2v,evalnet}`.
#pragma once
#include <filesystem>
#include <memory>

#include "pipeline/model_zoo.h"
#include "train/method.h"

namespace vds {

std::unique_ptr<Method> makeAutoencoderPretraining();
std::unique_ptr<Method> makeImagePretraining();
std::unique_ptr<Method> makeMotionPretraining();
std::unique_ptr<Method> makeStylePretraining();
std::unique_ptr<Method> makeI2VPretraining();
std::unique_ptr<Method> makeFrameFreePretraining();
std::unique_ptr<Method> makeEvalNetPretraining();

// name, description and the run that trained it (steps, seed, method, data style).
PackageInfo trainedPackageInfo(const TrainContext& ctx, const std::string& name, const std::string& description);

// A path as the manifest of the package in `packageDir` should record it: relative when
// both are on the same tree, so a folder of packages can move as a whole.
std::string packageReference(const std::filesystem::path& packageDir, const std::filesystem::path& target);
// The shape of offset noise (`method.JOB.offset_noise`) for the latent `x0`: one value per
// sample and channel, broadcast over frames and pixels.
std::vector<int64_t> offsetNoiseShape(const torch::Tensor& x0);
// `method.motion.clean_first_frame` on one batch: frame 0 of each clip whose `clean` [B]
// flag is true becomes the clean latent (x0's frame 0) at timestep 0, and drops out of the
// loss. x0 and xt are [B,F,C,h,w], t holds the clips' timesteps [B].
struct CleanFirstFrame {
  torch::Tensor xt;          // the network input [B,F,C,h,w]
  torch::Tensor t;           // one timestep per frame [B*F], float
  torch::Tensor lossFrames;  // [B,F]: 1 where a frame's error counts, 0 on the clean frames
};
CleanFirstFrame withCleanFirstFrame(const torch::Tensor& x0, const torch::Tensor& xt, const torch::Tensor& t,
                                   const torch::Tensor& clean);
// Each sample's mean squared error [B] between pred and target: over all their elements,
// or, with lossFrames [B,F], over the frames where it is 1 (videos [B,F,...]).
torch::Tensor perSampleError(const torch::Tensor& pred, const torch::Tensor& target,
                             const torch::Tensor& lossFrames = {});
// P2 weights (Choi et al. 2022) of samples at cumulative alphas abar:
// 1/(k + SNR)^gamma with SNR = abar/(1 - abar).
torch::Tensor p2Weights(const torch::Tensor& alphasCumprod, double gamma, double k = 1.0);
// The Shapes-world caption with object i's direction turned by shifts[i] quarter steps
// through left, right, up, down (shift 1..3 gives each of the other three directions):
// the negative of `method.motion.direction_contrast`. "" stays "". DataError for a caption
// that is not the world's; ConfigError when shifts has the wrong length or a shift is
// not 1..3.
std::string withOtherDirections(const std::string& caption, const std::vector<int64_t>& shifts);
// The direction-contrast hinge, per sample: relu(1 + margin - mseNegative / msePositive),
// with the positive error detached, times the sample's weight when `weights` is defined
// (the P2 weight of its denoising error), averaged over the samples where `valid` is true
// (0 when none is). Each argument is [B].
torch::Tensor directionContrastLoss(const torch::Tensor& msePositive, const torch::Tensor& mseNegative,
                                    const torch::Tensor& valid, double margin, const torch::Tensor& weights = {});
// `method.t2v.distil_guidance`'s target: the video network's raw output under classifier-
// free guidance at `weight`, uncond + weight (cond - uncond), with the conditional and the
// unconditional (`emptyContext`) inputs in one batch. The output is affine in the
// denoised estimate at a fixed input and noise level, so this is the sampler's guidance.
torch::Tensor guidedOutput(VideoUNetImpl& network, const torch::Tensor& input, const torch::Tensor& cNoise,
                           const torch::Tensor& context, const torch::Tensor& emptyContext, double weight);
// [-1,1] float video [B,F,3,H,W] -> uint8 [B,F,H,W,3], clamped.
torch::Tensor toUint8Video(const torch::Tensor& video);

}  // namespace vds
