//! PNG writing: options, the engines' common front, IDAT framing.
