// fuzz_idx.cpp - IDX datasets (io/dataset.h): the first byte says how much of the rest is the
// images file; the remainder is a labels file for them. Accepted images are 28x28 or whatever
// the header says, with count*rows*cols pixels; labels only ever match the images' count.
// Inputs starting with the gzip magic (1f 8b) go through zlib first (bounded, truncation refused).
#include "fuzz_support.h"
#include "io/dataset.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size == 0) return 0;
    const size_t split = size_t(data[0]) * (size - 1) / 255;
    const uint8_t* images = data + 1;
    const uint8_t* labels = images + split;
    const size_t labels_size = size - 1 - split;
    ganvas::Dataset d;
    ganvas::Status s = ganvas::idx_parse_images(images, split, &d);
    if (!s.ok) {
        FUZZ_CHECK(!s.message.empty());
        FUZZ_CHECK(d.empty());
        return 0;
    }
    FUZZ_CHECK(d.pixels.size() == size_t(d.count) * size_t(d.rows) * size_t(d.cols));
    s = ganvas::idx_parse_labels(labels, labels_size, &d);
    if (s.ok) FUZZ_CHECK(d.labels.size() == size_t(d.count));
    else FUZZ_CHECK(!s.message.empty() && d.labels.empty());
    return 0;
}
