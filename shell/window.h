// window.h - the platform layer: an SDL2 window, its OpenGL context, ImGui's backends, textures.
//
// The only file pair in the shell that knows GL from GLES: natively a desktop OpenGL 3.3
// core context with GLSL "#version 330 core", in the browser WebGL2 (GLES 3.0) with
// "#version 300 es". Everything above it (app.cpp, ui/, the two main loops) is identical code.
//
// A frame is: Window::poll_events() -> begin_frame() -> ImGui calls -> end_frame().
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "imgui.h"
#include "base/status.h"

struct SDL_Window;

namespace ganvas {

// Pixels read back from the frame buffer: RGBA8, row-major, top row first.
struct RgbaImage {
    int width = 0, height = 0;
    std::vector<uint8_t> pixels;
};

struct WindowConfig {
    std::string title = "Ganvas";
    int width = 1280, height = 800;  // logical pixels; in the browser the canvas CSS size wins
    bool vsync = true;
};

// Owns the SDL window, the GL context and the ImGui context. Not copyable.
class Window {
public:
    Window() = default;
    ~Window();
    Window(const Window&) = delete;
    Window& operator=(const Window&) = delete;

    // Creates everything; on failure returns why (no SDL, no GL context...) and stays closed.
    Status open(const WindowConfig& config);
    bool is_open() const { return window_ != nullptr; }

    // Feeds SDL events to ImGui. Returns false once the user asked to quit.
    bool poll_events();
    void begin_frame();
    // Renders ImGui's draw data over a cleared background and presents it. With `capture`,
    // first reads the rendered frame back (for screenshots in tests).
    void end_frame(RgbaImage* capture = nullptr);

private:
    void close();

    SDL_Window* window_ = nullptr;
    void* gl_context_ = nullptr;  // SDL_GLContext
    bool sdl_ready_ = false, imgui_context_ready_ = false, imgui_sdl_ready_ = false, imgui_gl_ready_ = false;
};

// An RGBA8 texture ImGui::Image can draw. Needs the Window's GL context to be current,
// so destroy textures before their Window.
class RgbaTexture {
public:
    RgbaTexture() = default;
    ~RgbaTexture();
    RgbaTexture(const RgbaTexture&) = delete;
    RgbaTexture& operator=(const RgbaTexture&) = delete;

    // Uploads width x height RGBA pixels (row-major, top row first); reallocates on a size change.
    void upload(const uint8_t* rgba, int width, int height);
    bool empty() const { return id_ == 0; }
    ImTextureID id() const;
    int width() const { return width_; }
    int height() const { return height_; }

private:
    unsigned int id_ = 0;  // GLuint
    int width_ = 0, height_ = 0;
};

}  // namespace ganvas
