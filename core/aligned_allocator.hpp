// An allocator that starts every buffer on a 64-byte cache line. glibc serves large blocks from
// mmap at 16 bytes past a page, so a 512-bit load of a row of a weight matrix or of a batch
// straddled two lines every time: 40% of the AVX-512 Linear kernels' speed.
#pragma once
#include <cstddef>
#include <new>

namespace trainctl {

constexpr std::size_t kCacheLine = 64;

// `count` items of `bytes_each` bytes rounded up to whole cache lines, in items: the stride that
// keeps each thread's slice of a shared buffer off the lines of the next one.
constexpr std::size_t round_up_to_line(std::size_t count, std::size_t bytes_each) {
    const std::size_t per_line = kCacheLine / bytes_each;
    return (count + per_line - 1) / per_line * per_line;
}

template <class T>
struct CacheAlignedAllocator {
    using value_type = T;
    CacheAlignedAllocator() = default;
    template <class U>
    CacheAlignedAllocator(const CacheAlignedAllocator<U>&) {}
    T* allocate(std::size_t n) {
        return static_cast<T*>(::operator new(n * sizeof(T), std::align_val_t{kCacheLine}));
    }
    void deallocate(T* p, std::size_t) { ::operator delete(p, std::align_val_t{kCacheLine}); }
    template <class U>
    bool operator==(const CacheAlignedAllocator<U>&) const { return true; }
    template <class U>
    bool operator!=(const CacheAlignedAllocator<U>&) const { return false; }
};

}  // namespace trainctl
