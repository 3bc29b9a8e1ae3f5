// Render styles of the Shapes world and the anti-aliased rasteriser that draws them.
// The plain style is the "real video" data; the others are image sets for the 2D
// style models (ARCHITECTURE.md §5).
#pragma once
#include <torch/torch.h>

#include <array>
#include <string>

namespace vds {

struct ClipSpec;

// Never reorder: the eval net predicts the style by this index.
enum class Style { plain, outline, checker, pastel, pixel };

inline constexpr std::array<Style, 5> kAllStyles = {Style::plain, Style::outline, Style::checker, Style::pastel,
                                                    Style::pixel};

const char* styleName(Style style);
// One sentence for `vdstudio-cli world styles` and the GUI.
const char* styleDescription(Style style);
// ConfigError naming `name` and listing the valid names when unknown.
Style parseStyle(const std::string& name);

// Draws `spec` in `style`: uint8 [F, H, W, 3]. Shapes are anti-aliased by 4x4
// supersampling of their signed distance; later objects are drawn over earlier ones.
torch::Tensor renderClip(const ClipSpec& spec, Style style);

}  // namespace vds
