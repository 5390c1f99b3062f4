package io.hypergrad.common;
final class Placeholder {}
