// Labelled grids of clips (io/composite.h) and the text they are labelled with.
#include "core/errors.h"
#include "core/rng.h"
#include "io/composite.h"
#include "io/image_io.h"
#include "io/text_render.h"
#include "io/video_frames.h"
#include "support/test_support.h"

namespace {

torch::Tensor randomClip(int64_t frames, int64_t h, int64_t w, uint64_t seed) {
  torch::Generator gen = vds::makeGenerator(seed);
  // Values 100..199, never the background, so every cell pixel is recognisably clip.
  return torch::randint(100, 200, {frames, h, w, 3}, gen, torch::kUInt8);
}

bool isBackground(const torch::Tensor& region, const vds::GridOptions& o) {
  const auto bg = torch::tensor({o.background[0], o.background[1], o.background[2]}, torch::kUInt8);
  return (region == bg).all().item<bool>();
}

}  // namespace

class IoCompositeTest : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void gridArithmeticAndPlacement() {
    std::vector<torch::Tensor> clips;
    for (uint64_t i = 0; i < 5; ++i) clips.push_back(randomClip(3, 4, 6, i));
    vds::GridOptions o;
    o.scale = 2;
    o.padding = 3;
    const auto g = vds::gridLayout(clips, o);
    QCOMPARE(g.columns, int64_t{3});  // ceil(sqrt(5))
    QCOMPARE(g.rows, int64_t{2});
    QCOMPARE(g.cellHeight, int64_t{8});
    QCOMPARE(g.cellWidth, int64_t{12});
    QCOMPARE(g.height, int64_t{2 * 8 + 3 * 3});
    QCOMPARE(g.width, int64_t{3 * 12 + 4 * 3});
    QCOMPARE(g.titleHeight + g.labelHeight + g.rowLabelWidth, int64_t{0});
    const auto grid = vds::compositeGrid(clips, o);
    QCOMPARE(grid.sizes(), (torch::IntArrayRef{3, g.height, g.width, 3}));
    for (int64_t i = 0; i < 5; ++i) {
      const auto cell = grid.narrow(1, g.cellTop(i / 3), 8).narrow(2, g.cellLeft(i % 3), 12);
      QVERIFY(torch::equal(cell, vds::upscaleNearest(clips[static_cast<size_t>(i)], 2)));
    }
    // The sixth cell is empty, and so is the padding.
    QVERIFY(isBackground(grid.narrow(1, g.cellTop(1), 8).narrow(2, g.cellLeft(2), 12), o));
    QVERIFY(isBackground(grid.narrow(1, 0, 3), o));
    QVERIFY(isBackground(grid.narrow(2, g.cellLeft(1) - 3, 3), o));

    o.columns = 5;
    QCOMPARE(vds::gridLayout(clips, o).rows, int64_t{1});
    o.columns = 1;
    QCOMPARE(vds::gridLayout(clips, o).rows, int64_t{5});
  }

  void differentLengthsAndSizes() {
    const auto shortClip = randomClip(2, 4, 4, 1);
    const auto longClip = randomClip(5, 4, 4, 2);
    const auto small = randomClip(1, 2, 2, 3);
    vds::GridOptions o;
    o.columns = 3;
    o.padding = 1;
    const auto grid = vds::compositeGrid({shortClip, longClip, small}, o);
    const auto g = vds::gridLayout({shortClip, longClip, small}, o);
    QCOMPARE(grid.size(0), int64_t{5});
    for (int64_t f = 0; f < 5; ++f) {
      const auto a = grid[f].narrow(0, g.cellTop(0), 4).narrow(1, g.cellLeft(0), 4);
      QVERIFY(torch::equal(a, shortClip[std::min<int64_t>(f, 1)]));  // holds its last frame
      QVERIFY(torch::equal(grid[f].narrow(0, g.cellTop(0), 4).narrow(1, g.cellLeft(1), 4), longClip[f]));
      // A smaller clip sits in the middle of its cell.
      QVERIFY(torch::equal(grid[f].narrow(0, g.cellTop(0) + 1, 2).narrow(1, g.cellLeft(2) + 1, 2), small[0]));
    }
  }

  void labelsAreDrawn() {
    std::vector<torch::Tensor> clips;
    for (uint64_t i = 0; i < 4; ++i) clips.push_back(randomClip(2, 32, 32, i));
    vds::GridOptions plain;
    plain.padding = 2;
    const auto bare = vds::gridLayout(clips, plain);
    QCOMPARE(bare.columns, int64_t{2});

    vds::GridOptions o = plain;
    o.title = "Teacher vs student";
    o.columnLabels = {"4 steps", "1 step"};
    o.rowLabels = {"a red circle", "a blue square moving up"};
    const auto g = vds::gridLayout(clips, o);
    QVERIFY(g.titleHeight > 0);
    QVERIFY(g.labelHeight > 0);
    QVERIFY(g.rowLabelWidth > 0);
    QCOMPARE(g.height, bare.height + g.titleHeight + g.labelHeight);
    QCOMPARE(g.width, bare.width + g.rowLabelWidth);
    const auto grid = vds::compositeGrid(clips, o);
    QCOMPARE(grid.sizes(), (torch::IntArrayRef{2, g.height, g.width, 3}));
    // Text is drawn in the caption row, over each column and beside each row.
    QVERIFY(!isBackground(grid[0].narrow(0, 0, g.titleHeight), o));
    for (int64_t c = 0; c < 2; ++c)
      QVERIFY(!isBackground(grid[0].narrow(0, g.titleHeight, g.labelHeight).narrow(1, g.cellLeft(c), g.cellWidth), o));
    for (int64_t r = 0; r < 2; ++r)
      QVERIFY(!isBackground(grid[0].narrow(0, g.cellTop(r), g.cellHeight).narrow(1, 0, g.rowLabelWidth), o));
    // The still parts are the same in every frame; the cells still hold the clips.
    QVERIFY(torch::equal(grid[0].narrow(0, 0, g.titleHeight), grid[1].narrow(0, 0, g.titleHeight)));
    QVERIFY(torch::equal(grid[1].narrow(0, g.cellTop(1), 32).narrow(1, g.cellLeft(1), 32), clips[3][1]));

    // Row labels alone decide the column count.
    vds::GridOptions rowsOnly;
    rowsOnly.rowLabels = {"one", "two"};
    QCOMPARE(vds::gridLayout(clips, rowsOnly).columns, int64_t{2});
  }

  void badInputsAreClearErrors() {
    const auto clip = randomClip(1, 4, 4, 1);
    VDS_EXPECT_THROW_MSG(vds::compositeGrid({}, {}), vds::DataError, "no clips");
    VDS_EXPECT_THROW_MSG(vds::compositeGrid({torch::zeros({1, 4, 4, 3})}, {}), vds::DataError, "clip 0");
    vds::GridOptions labels;
    labels.columnLabels = {"a", "b", "c"};
    labels.columns = 2;
    VDS_EXPECT_THROW_MSG(vds::compositeGrid({clip, clip}, labels), vds::DataError, "3 column label(s) for 2");
    vds::GridOptions rows;
    rows.rowLabels = {"a", "b"};
    rows.columns = 2;
    VDS_EXPECT_THROW_MSG(vds::compositeGrid({clip, clip}, rows), vds::DataError, "2 row label(s) for 1 row");
    vds::GridOptions font;
    font.title = "x";
    font.font = "/nonexistent/font.ttf";
    VDS_EXPECT_THROW_MSG(vds::compositeGrid({clip}, font), vds::IoError, "fonts-dejavu-core");
  }

  void textFitsAndMeasures() {
    const vds::TextRenderer text(12.0f);
    QVERIFY(text.lineHeight() >= 12);
    QVERIFY(text.width("wide text") > text.width("w"));
    QCOMPARE(text.width(""), 0);
    const std::string long_ = "a red circle moving left and a blue square moving up";
    const std::string fitted = text.fit(long_, 60);
    QVERIFY(text.width(fitted) <= 60);
    QVERIFY(fitted.size() < long_.size());
    QCOMPARE(fitted.substr(fitted.size() - 3), std::string("..."));
    QCOMPARE(text.fit("ok", 60), std::string("ok"));
    // Non-ASCII text is measured and drawn (DejaVu has the glyphs).
    auto image = torch::zeros({20, 80, 3}, torch::kUInt8);
    text.draw(image, 2, 2, "Grüße ±", {255, 255, 255});
    QVERIFY(image.sum().item<int64_t>() > 0);
    // Drawing off the edges is clipped, not an error.
    text.draw(image, -10, -5, "clipped", {255, 0, 0});
    text.draw(image, 75, 15, "clipped", {255, 0, 0});
  }
};

QTEST_GUILESS_MAIN(IoCompositeTest)
#include "test_io_composite.moc"
