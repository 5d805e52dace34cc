#pragma once
// An immutable array that copies share. A group lane of 100,000 members is
// summarised once (core/lanessummary.h) and every selection built from that
// summary points to the same member list: handing out a selection then
// costs a reference count, not megabytes of copying per focus change.
//
// Reads like a const std::vector (size, iteration, indexing) and converts
// to one, so readers do not care whether an array is shared.

#include <cstddef>
#include <memory>
#include <vector>

namespace causeway {

template<typename T>
class SharedArray
{
public:
    using value_type = T;
    using const_iterator = typename std::vector<T>::const_iterator;
    using iterator = const_iterator;

    SharedArray() = default;
    SharedArray(std::vector<T> values)
        : m_data(values.empty() ? nullptr : std::make_shared<const std::vector<T>>(std::move(values)))
    {
    }

    const std::vector<T> &vector() const { return m_data ? *m_data : none(); }
    operator const std::vector<T> &() const { return vector(); }

    size_t size() const { return vector().size(); }
    bool empty() const { return vector().empty(); }
    const T *data() const { return vector().data(); }
    const_iterator begin() const { return vector().begin(); }
    const_iterator end() const { return vector().end(); }
    const T &operator[](size_t i) const { return vector()[i]; }
    const T &front() const { return vector().front(); }
    const T &back() const { return vector().back(); }

    // Whether both are the same array (not merely equal contents).
    bool sharedWith(const SharedArray &other) const { return m_data == other.m_data; }

    friend bool operator==(const SharedArray &a, const SharedArray &b)
    {
        return a.m_data == b.m_data || a.vector() == b.vector();
    }
    friend bool operator==(const SharedArray &a, const std::vector<T> &b) { return a.vector() == b; }

private:
    static const std::vector<T> &none()
    {
        static const std::vector<T> empty;
        return empty;
    }
    std::shared_ptr<const std::vector<T>> m_data;
};

} // namespace causeway
