// window.h - the platform layer: an SDL2 window, its OpenGL context, ImGui's backends, textures.
//
// The only file pair in the shell that knows GL from GLES: natively a desktop OpenGL 3.3
// core context with GLSL "#version 330 core", in the browser WebGL2 (GLES 3.0) with
// "#version 300 es". Everything above it (app.cpp, ui/, the two main loops) is identical code.
//
// A frame is: Window::poll_events() -> begin_frame() -> ImGui calls -> end_frame().
//
// Text is rasterised at the size the layout asks for (ui/layout.h: layout_text_size for the
// canvas and the display scale) times the frame buffer's pixels per logical pixel (the browser's
// devicePixelRatio, or a HiDPI desktop's drawable/window ratio), and drawn at 1 / that ratio
// (io.FontGlobalScale): crisp at any pixel density. begin_frame() rebuilds the font atlas when
// either changes (a resize across the phone threshold, the page zoomed, a window moved to
// another monitor).
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
    // How much larger text and spacing are drawn (0: from the display: its DPI / 96 on the
    // desktop, unless the system already scales the window; always 1 in the browser, where CSS
    // pixels are already scaled and the device pixel ratio only sharpens the font).
    float display_scale = 0;
    // A TrueType font (DejaVu Sans Mono: web/CMakeLists.txt packages it, the desktop reads
    // Debian's file); empty or unreadable: ImGui's built-in bitmap font, scaled.
    std::string font_file;
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
    // The display scale (WindowConfig::display_scale) in effect: App::frame lays out with it.
    float display_scale() const { return display_scale_; }

    // Feeds SDL events to ImGui. Returns false once the user asked to quit.
    bool poll_events();
    void begin_frame();
    // Renders ImGui's draw data over a cleared background and presents it. With `capture`,
    // first reads the rendered frame back (for screenshots in tests).
    void end_frame(RgbaImage* capture = nullptr);

private:
    void close();
    void update_display_scale();
    void update_font();  // between the backends' NewFrame and ImGui::NewFrame

    SDL_Window* window_ = nullptr;
    void* gl_context_ = nullptr;  // SDL_GLContext
    bool sdl_ready_ = false, imgui_context_ready_ = false, imgui_sdl_ready_ = false, imgui_gl_ready_ = false;
    float requested_scale_ = 0, display_scale_ = 1;
    std::string font_file_;
    float font_size_ = 0, font_ratio_ = 0;  // what the atlas was built for (0: not yet)
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
