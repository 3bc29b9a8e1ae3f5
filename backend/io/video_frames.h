// Frame-tensor plumbing shared by the video encoder, decoder, composite and dataset
// import: layout conversion, scaling, cropping and padding of uint8 RGB frames.
// Every function takes and returns uint8 [F, H, W, 3] ("frames") on the CPU unless
// its comment says otherwise.
#pragma once
#include <torch/torch.h>

#include <string>
#include <vector>

namespace vds {

// A clip as frames. Accepted layouts:
//   float [F, 3, H, W] in [-1, 1] (the model range; rounded and clamped),
//   uint8 [F, 3, H, W], and uint8 [F, H, W, 3].
// A uint8 tensor with size(1) == 3 is read as channels-first. DataError naming
// `context` (a file or option) for any other type or shape, or an empty clip.
torch::Tensor clipToFrames(const torch::Tensor& clip, const std::string& context);

// A list of uint8 [H, W, 3] frames, all of one size, as frames. DataError naming
// `context` and the first frame that does not fit.
torch::Tensor framesFromList(const std::vector<torch::Tensor>& frames, const std::string& context);

// Nearest-neighbour upscaling by an integer factor >= 1.
torch::Tensor upscaleNearest(const torch::Tensor& frames, int factor);

// Resizes to height x width: area averaging on an axis that shrinks (no aliasing),
// bilinear interpolation on one that grows. Identity when the size already matches.
torch::Tensor resizeFrames(const torch::Tensor& frames, int64_t height, int64_t width);

// The centred square of side min(H, W); odd leftovers go to the bottom and right.
torch::Tensor centreCropSquare(const torch::Tensor& frames);

// Pads H and W up to even numbers by repeating the last row and column (edge
// replication), as 4:2:0 chroma subsampling needs; identity when both are even.
torch::Tensor padToEven(const torch::Tensor& frames);

// Exactly `count` frames: the first `count`, or all of them followed by copies of
// the last one (a short clip "holds" its last frame).
torch::Tensor holdLastFrame(const torch::Tensor& frames, int64_t count);

// Peak signal-to-noise ratio in dB between two uint8 tensors of one shape (peak 255);
// infinity when they are equal. DataError for mismatched shapes.
double psnrUint8(const torch::Tensor& a, const torch::Tensor& b);

}  // namespace vds
