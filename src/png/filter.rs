//! PNG row filters (None, Sub, Up, Average, Paeth) and the adaptive choice.
