// session_history.cpp - TrainingHistory as JSON text and back (session.h), for a run the page
// keeps in the browser next to its checkpoint. The text comes back from storage any script of
// the page's origin can write, so it is parsed as hostile input: strictly (settings_json_parse:
// no exceptions, duplicate keys and deep nesting refused), every field's type and range checked,
// and nothing changes unless all of it is right.
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>

#include "gan/settings_json.h"
#include "session.h"

namespace ganvas {

namespace {

constexpr const char* kHistoryFormat = "ganvas-history";
constexpr int kHistoryVersion = 1;
const char* const kSeriesNames[] = {"d_loss", "g_loss", "d_real", "d_fake"};

// A double as the 16 hex digits of its bits (JSON numbers lose them; JavaScript's above 2^53).
std::string double_hex(double v) {
    uint64_t bits;
    std::memcpy(&bits, &v, sizeof bits);
    char text[17];
    std::snprintf(text, sizeof text, "%016" PRIx64, bits);
    return text;
}

bool hex_double(const std::string& text, double* out) {
    if (text.size() != 16) return false;
    uint64_t bits = 0;
    for (char c : text) {
        const int digit = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
        if (digit < 0) return false;
        bits = bits << 4 | uint64_t(digit);
    }
    std::memcpy(out, &bits, sizeof bits);
    return true;
}

// An integer field of `root` in [lo, hi].
Status read_int(const SettingJson& root, const char* key, int64_t lo, int64_t hi, int64_t* out) {
    const auto it = root.find(key);
    if (it == root.end() || !it->is_number_integer())
        return Status::failure(std::string("\"") + key + "\" is missing or not an integer");
    const int64_t v = it->is_number_unsigned() ? (it->get<uint64_t>() > uint64_t(hi) ? hi + 1 : int64_t(it->get<uint64_t>()))
                                               : it->get<int64_t>();
    if (v < lo || v > hi)
        return Status::failure(std::string("\"") + key + "\" is " + std::to_string(v) + ", not in " +
                               std::to_string(lo) + ".." + std::to_string(hi));
    *out = v;
    return Status::success();
}

}  // namespace

std::string TrainingHistory::to_json(int64_t step) const {
    SettingJson root = SettingJson::object();
    root["format"] = kHistoryFormat;
    root["version"] = kHistoryVersion;
    root["step"] = step;
    root["capacity"] = capacity_;
    root["stride"] = stride_;
    root["pending"] = pending_;
    SettingJson sums = SettingJson::array();
    for (double sum : sums_) sums.push_back(double_hex(sum));
    root["sums"] = std::move(sums);
    for (int k = 0; k < kSeries; ++k) {
        SettingJson values = SettingJson::array();
        for (float v : series_[k])
            if (std::isfinite(v))
                values.push_back(v);
            else  // JSON has no NaN or infinity: a diverged step's values as words
                values.push_back(std::isnan(v) ? "nan" : v > 0 ? "inf" : "-inf");
        root[kSeriesNames[k]] = std::move(values);
    }
    return settings_json_text(root);
}

Status TrainingHistory::from_json(const std::string& text, int64_t step) {
    SettingJson root;
    if (Status parsed = settings_json_parse(text, "history", &root); !parsed) return parsed;
    if (!root.is_object()) return Status::failure("the history is not a JSON object");
    const auto format = root.find("format");
    if (format == root.end() || !format->is_string() || format->get<std::string>() != kHistoryFormat)
        return Status::failure("not a Ganvas history (\"format\" is not \"ganvas-history\")");
    int64_t version = 0, saved_step = 0, capacity = 0, stride = 0, pending = 0;
    if (Status s = read_int(root, "version", 1, 1000, &version); !s) return s;
    if (version != kHistoryVersion)
        return Status::failure("history version " + std::to_string(version) + " is newer than this Ganvas reads (" +
                               std::to_string(kHistoryVersion) + ")");
    if (Status s = read_int(root, "step", 0, std::numeric_limits<int64_t>::max() - 1, &saved_step); !s) return s;
    if (saved_step != step)
        return Status::failure("the history is of step " + std::to_string(saved_step) + ", the model of step " +
                               std::to_string(step));
    if (Status s = read_int(root, "capacity", 2, 1 << 20, &capacity); !s) return s;
    if (capacity != capacity_)
        return Status::failure("the history keeps " + std::to_string(capacity) + " points, this one " +
                               std::to_string(capacity_));
    if (Status s = read_int(root, "stride", 1, int64_t(1) << 40, &stride); !s) return s;
    if ((stride & (stride - 1)) != 0) return Status::failure("\"stride\" " + std::to_string(stride) + " is not a power of 2");
    if (stride > std::numeric_limits<int>::max()) return Status::failure("\"stride\" is too large");
    if (Status s = read_int(root, "pending", 0, stride - 1, &pending); !s) return s;
    const auto sums = root.find("sums");
    if (sums == root.end() || !sums->is_array() || sums->size() != size_t(kSeries))
        return Status::failure("\"sums\" is not an array of 4 numbers");
    double new_sums[kSeries];
    for (int k = 0; k < kSeries; ++k) {
        const SettingJson& v = (*sums)[size_t(k)];
        if (!v.is_string() || !hex_double(v.get<std::string>(), &new_sums[k]))
            return Status::failure("\"sums\" holds something other than 16 hex digits of a float64");
    }
    std::vector<float> new_series[kSeries];
    for (int k = 0; k < kSeries; ++k) {
        const auto values = root.find(kSeriesNames[k]);
        if (values == root.end() || !values->is_array())
            return Status::failure(std::string("\"") + kSeriesNames[k] + "\" is missing or not an array");
        if (values->size() >= size_t(capacity_))
            return Status::failure(std::string("\"") + kSeriesNames[k] + "\" holds " + std::to_string(values->size()) +
                                   " points, more than the history keeps");
        for (const SettingJson& v : *values) {
            if (v.is_string() && (v == "nan" || v == "inf" || v == "-inf"))
                new_series[k].push_back(v == "nan"   ? std::numeric_limits<float>::quiet_NaN()
                                        : v == "inf" ? std::numeric_limits<float>::infinity()
                                                     : -std::numeric_limits<float>::infinity());
            else if (v.is_number())
                new_series[k].push_back(v.get<float>());
            else
                return Status::failure(std::string("\"") + kSeriesNames[k] + "\" holds something other than numbers");
        }
        if (new_series[k].size() != new_series[0].size())
            return Status::failure("the four series have different lengths");
    }
    capacity_ = int(capacity);
    stride_ = int(stride);
    pending_ = int(pending);
    for (int k = 0; k < kSeries; ++k) {
        sums_[k] = new_sums[k];
        series_[k] = std::move(new_series[k]);
        series_[k].reserve(size_t(capacity_));
    }
    return Status::success();
}

}  // namespace ganvas
