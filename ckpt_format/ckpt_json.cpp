// A SAX handler that builds a top-level object's members straight into a vector. nlohmann's own
// ways are quadratic here: its callback parser rescans the parent object after every nested
// object ends, and ordered_json searches its key vector on every insert.
#include "ckpt_format/ckpt_json.hpp"

#include <algorithm>
#include <cstdio>

#include "core/error.hpp"

namespace trainctl {
namespace {

using Json = nlohmann::json;

class MembersBuilder : public nlohmann::json_sax<Json> {
public:
    MembersBuilder(const std::string& path, const std::string& what) : path_(path), what_(what) {}

    bool null() override { return put(nullptr); }
    bool boolean(bool v) override { return put(v); }
    bool number_integer(number_integer_t v) override { return put(v); }
    bool number_unsigned(number_unsigned_t v) override { return put(v); }
    bool number_float(number_float_t v, const string_t&) override { return put(v); }
    bool string(string_t& v) override { return put(std::move(v)); }
    bool binary(binary_t& v) override { return put(Json::binary(std::move(v))); }  // not in JSON text
    bool start_object(std::size_t) override { return open(Json::object()); }
    bool start_array(std::size_t) override { return open(Json::array()); }
    bool end_object() override { return close(); }
    bool end_array() override { return close(); }
    bool key(string_t& k) override {
        if (open_.empty()) {  // a member of the top-level object; result() looks for duplicates
            members_.emplace_back(std::move(k), nullptr);
        } else {
            Json& parent = *open_.back();
            if (parent.contains(k)) note_duplicate(k);
            pending_ = &parent[k];
        }
        return true;
    }
    bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception& e) override {
        std::string msg = e.what();
        msg = msg.substr(0, msg.find("; last read"));  // for a bad string: all of it so far
        fail(what_ + " is not valid JSON: " + ckpt_printable(msg.substr(msg.find("] ") + 2)));
    }

    std::vector<CkptJsonMember> result() {
        // Top-level keys by sorting: a hash set of 100,000 names cost more than the parse.
        std::vector<const std::string*> keys;
        keys.reserve(members_.size());
        for (const CkptJsonMember& m : members_) keys.push_back(&m.first);
        std::sort(keys.begin(), keys.end(), [](const std::string* a, const std::string* b) { return *a < *b; });
        for (std::size_t i = 1; i < keys.size(); ++i)
            if (*keys[i] == *keys[i - 1]) note_duplicate(*keys[i]);
        if (!duplicate_.empty()) fail(what_ + " has key \"" + duplicate_ + "\" twice");
        if (!top_is_object_) fail(what_ + " must be a JSON object, found " + top_.type_name());
        return std::move(members_);
    }

private:
    [[noreturn]] void fail(const std::string& what) const { throw Error(path_ + ": " + what); }
    void note_duplicate(const std::string& k) {
        if (duplicate_.empty()) duplicate_ = k;
    }
    // Where the value that starts now goes: the top level, a top-level member, an array's new
    // element, or the object slot key() made. Pointers stay valid: a container only grows
    // while none of its children is open.
    Json* place() {
        if (depth_ == 0) return &top_;
        if (open_.empty()) return &members_.back().second;
        Json& parent = *open_.back();
        if (!parent.is_array()) return pending_;
        parent.push_back(nullptr);
        return &parent.back();
    }
    bool put(Json v) {
        *place() = std::move(v);
        return true;
    }
    bool open(Json container) {
        if (depth_ >= kCkptJsonMaxDepth)
            fail(what_ + " is nested deeper than " + std::to_string(kCkptJsonMaxDepth) + " levels");
        if (depth_ == 0 && container.is_object()) {
            top_is_object_ = true;  // its members go to members_, not into a map
        } else {
            Json* at = place();
            *at = std::move(container);
            open_.push_back(at);
        }
        ++depth_;
        return true;
    }
    bool close() {
        if (--depth_ > 0 || !top_is_object_) open_.pop_back();
        return true;
    }

    const std::string& path_;
    const std::string& what_;
    int depth_ = 0;
    bool top_is_object_ = false;
    Json top_;                           // the top-level value, unless it is an object
    std::vector<CkptJsonMember> members_;  // the top-level object's members
    std::vector<Json*> open_;  // containers being filled, below a top-level object
    Json* pending_ = nullptr;  // the slot key() made in an object
    std::string duplicate_;
};

}  // namespace

std::vector<CkptJsonMember> ckpt_json_members(const std::string& path, const std::string& what,
                                              const std::string& text) {
    MembersBuilder builder(path, what);
    Json::sax_parse(text, &builder);
    return builder.result();
}

std::string ckpt_printable(const std::string& s) {
    std::string out;
    for (unsigned char c : s) {
        if (c >= 0x20 && c < 0x7f) {
            out += static_cast<char>(c);
        } else {
            char hex[5];
            std::snprintf(hex, sizeof hex, "\\x%02x", c);
            out += hex;
        }
    }
    return out;
}

}  // namespace trainctl
