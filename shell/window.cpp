// window.cpp - SDL2 window + GL context + ImGui backends, and RGBA textures. See window.h.
//
// The GL/GLES difference is the header and the context attributes below; the switch is
// IMGUI_IMPL_OPENGL_ES3, which shell/CMakeLists.txt defines for the wasm build only.
#include "window.h"

#include <SDL.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "imgui_impl_opengl3.h"
#include "imgui_impl_sdl.h"
#include "ui/layout.h"

#if defined(IMGUI_IMPL_OPENGL_ES3)
#include <GLES3/gl3.h>
#else
#include <GL/gl.h>
#endif

namespace ganvas {

namespace {

// GL context versions to try, best first, with the GLSL version ImGui's shaders need.
struct GlVersion {
    int major, minor, profile;
    const char* glsl;
};
#if defined(IMGUI_IMPL_OPENGL_ES3)
constexpr GlVersion kGlVersions[] = {{3, 0, SDL_GL_CONTEXT_PROFILE_ES, "#version 300 es"}};  // WebGL2
#else
constexpr GlVersion kGlVersions[] = {{3, 3, SDL_GL_CONTEXT_PROFILE_CORE, "#version 330 core"},
                                     {3, 0, 0, "#version 130"}};
#endif

constexpr float kClearColor[4] = {0.09f, 0.09f, 0.11f, 1.0f};

bool readable(const std::string& path) {
    if (path.empty()) return false;
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (f != nullptr) std::fclose(f);
    return f != nullptr;
}

}  // namespace

// [SECTION] Window

Window::~Window() { close(); }

Status Window::open(const WindowConfig& config) {
    IM_ASSERT(!is_open() && "Window::open called twice");
    if (SDL_Init(SDL_INIT_VIDEO | SDL_INIT_TIMER) != 0)
        return Status::failure(std::string("SDL could not start its video system: ") + SDL_GetError());
    sdl_ready_ = true;

    const Uint32 flags = SDL_WINDOW_OPENGL | SDL_WINDOW_RESIZABLE | SDL_WINDOW_ALLOW_HIGHDPI;
    const char* glsl = nullptr;
    std::string errors;
    for (const GlVersion& v : kGlVersions) {
        SDL_GL_SetAttribute(SDL_GL_CONTEXT_FLAGS, 0);
        SDL_GL_SetAttribute(SDL_GL_CONTEXT_PROFILE_MASK, v.profile);
        SDL_GL_SetAttribute(SDL_GL_CONTEXT_MAJOR_VERSION, v.major);
        SDL_GL_SetAttribute(SDL_GL_CONTEXT_MINOR_VERSION, v.minor);
        SDL_GL_SetAttribute(SDL_GL_DOUBLEBUFFER, 1);
        SDL_GL_SetAttribute(SDL_GL_DEPTH_SIZE, 0);
        SDL_GL_SetAttribute(SDL_GL_STENCIL_SIZE, 8);
        window_ = SDL_CreateWindow(config.title.c_str(), SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED,
                                   config.width, config.height, flags);
        if (window_ == nullptr) {
            errors += std::string(" window: ") + SDL_GetError();
            continue;
        }
        gl_context_ = SDL_GL_CreateContext(window_);
        if (gl_context_ != nullptr) {
            glsl = v.glsl;
            break;
        }
        errors += " GL " + std::to_string(v.major) + "." + std::to_string(v.minor) + ": " + SDL_GetError();
        SDL_DestroyWindow(window_);
        window_ = nullptr;
    }
    if (gl_context_ == nullptr) {
        close();
        return Status::failure("no OpenGL context could be created (" + errors + " )");
    }
    SDL_GL_MakeCurrent(window_, gl_context_);
    SDL_GL_SetSwapInterval(config.vsync ? 1 : 0);

    IMGUI_CHECKVERSION();
    ImGui::CreateContext();
    imgui_context_ready_ = true;
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;  // no imgui.ini: the layout comes from ui/layout.h
    ImGui::StyleColorsDark();
    requested_scale_ = config.display_scale;
    font_file_ = readable(config.font_file) ? config.font_file : std::string();
    if (!config.font_file.empty() && font_file_.empty())
        std::fprintf(stderr, "ganvas: cannot read the font %s; using ImGui's built-in font\n", config.font_file.c_str());
    update_display_scale();
    imgui_sdl_ready_ = ImGui_ImplSDL2_InitForOpenGL(window_, gl_context_);
    imgui_gl_ready_ = imgui_sdl_ready_ && ImGui_ImplOpenGL3_Init(glsl);
    if (!imgui_gl_ready_) {
        close();
        return Status::failure("ImGui's SDL2/OpenGL3 backends did not start (" + std::string(glsl) + ")");
    }
    return Status::success();
}

void Window::close() {
    if (imgui_gl_ready_) ImGui_ImplOpenGL3_Shutdown();
    if (imgui_sdl_ready_) ImGui_ImplSDL2_Shutdown();
    if (imgui_context_ready_) ImGui::DestroyContext();
    imgui_gl_ready_ = imgui_sdl_ready_ = imgui_context_ready_ = false;
    if (gl_context_ != nullptr) SDL_GL_DeleteContext(static_cast<SDL_GLContext>(gl_context_));
    if (window_ != nullptr) SDL_DestroyWindow(window_);
    gl_context_ = nullptr;
    window_ = nullptr;
    if (sdl_ready_) SDL_Quit();
    sdl_ready_ = false;
}

bool Window::poll_events() {
    bool keep_running = true;
    SDL_Event event;
    while (SDL_PollEvent(&event)) {
        ImGui_ImplSDL2_ProcessEvent(&event);
        if (event.type == SDL_QUIT) keep_running = false;
        if (event.type == SDL_WINDOWEVENT && (event.window.event == SDL_WINDOWEVENT_DISPLAY_CHANGED ||
                                              event.window.event == SDL_WINDOWEVENT_SIZE_CHANGED))
            update_display_scale();
        if (event.type == SDL_WINDOWEVENT && event.window.event == SDL_WINDOWEVENT_CLOSE &&
            event.window.windowID == SDL_GetWindowID(window_))
            keep_running = false;
    }
    return keep_running;
}

void Window::update_display_scale() {
#if defined(__EMSCRIPTEN__)
    display_scale_ = 1;  // CSS pixels are already scaled; SDL's DPI here is the pixel ratio
#else
    if (requested_scale_ > 0) {
        display_scale_ = requested_scale_;
        return;
    }
    int w = 0, h = 0, dw = 0, dh = 0;
    SDL_GetWindowSize(window_, &w, &h);
    SDL_GL_GetDrawableSize(window_, &dw, &dh);
    float hdpi = 0;
    display_scale_ = 1;
    if (w > 0 && dw <= w && SDL_GetDisplayDPI(SDL_GetWindowDisplayIndex(window_), nullptr, &hdpi, nullptr) == 0 &&
        hdpi > 0)  // the system does not scale the window itself: follow the display's DPI
        display_scale_ = std::clamp(std::round(hdpi / 96.0f * 4.0f) / 4.0f, 1.0f, 4.0f);
#endif
}

void Window::update_font() {
    ImGuiIO& io = ImGui::GetIO();
    if (!(io.DisplaySize.x > 0 && io.DisplaySize.y > 0)) return;  // minimised: keep the atlas
    const float size = layout_text_size(io.DisplaySize.x, io.DisplaySize.y, display_scale_);
    const float ratio = io.DisplayFramebufferScale.x > 0 ? io.DisplayFramebufferScale.x : 1.0f;
    if (size == font_size_ && ratio == font_ratio_) return;
    font_size_ = size;
    font_ratio_ = ratio;
    io.Fonts->Clear();
    ImFontConfig config;
    config.OversampleH = 2;  // sub-pixel positions; the atlas is drawn at the frame buffer's density
    config.OversampleV = 1;
    config.SizePixels = size * ratio;
    ImFont* font = font_file_.empty() ? nullptr : io.Fonts->AddFontFromFileTTF(font_file_.c_str(), size * ratio, &config);
    if (font == nullptr) io.Fonts->AddFontDefault(&config);
    io.FontGlobalScale = 1.0f / ratio;
    io.Fonts->Build();
    ImGui_ImplOpenGL3_DestroyFontsTexture();
    ImGui_ImplOpenGL3_CreateFontsTexture();
}

void Window::begin_frame() {
    ImGui_ImplOpenGL3_NewFrame();
    ImGui_ImplSDL2_NewFrame();
    update_font();
    // ImGui 1.86's SDL backend can measure a zero delta (coarse or virtual clocks); ImGui
    // asserts on it, so clamp to a tiny positive step.
    ImGuiIO& io = ImGui::GetIO();
    if (!(io.DeltaTime > 0.0f)) io.DeltaTime = 1e-4f;
    ImGui::NewFrame();
}

void Window::end_frame(RgbaImage* capture) {
    ImGui::Render();
    int width = 0, height = 0;
    SDL_GL_GetDrawableSize(window_, &width, &height);
    glViewport(0, 0, width, height);
    glClearColor(kClearColor[0], kClearColor[1], kClearColor[2], kClearColor[3]);
    glClear(GL_COLOR_BUFFER_BIT);
    ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
    if (capture != nullptr) {
        capture->width = width;
        capture->height = height;
        capture->pixels.resize(size_t(width) * height * 4);
        glPixelStorei(GL_PACK_ALIGNMENT, 1);
        glReadPixels(0, 0, width, height, GL_RGBA, GL_UNSIGNED_BYTE, capture->pixels.data());
        // GL's rows run bottom-up; flip to top row first.
        const size_t stride = size_t(width) * 4;
        std::vector<uint8_t> row(stride);
        for (int y = 0; y < height / 2; ++y) {
            uint8_t* a = capture->pixels.data() + size_t(y) * stride;
            uint8_t* b = capture->pixels.data() + size_t(height - 1 - y) * stride;
            std::memcpy(row.data(), a, stride);
            std::memcpy(a, b, stride);
            std::memcpy(b, row.data(), stride);
        }
        for (size_t i = 3; i < capture->pixels.size(); i += 4) capture->pixels[i] = 255;  // opaque
    }
    SDL_GL_SwapWindow(window_);
}

// [SECTION] RgbaTexture

RgbaTexture::~RgbaTexture() {
    if (id_ != 0) {
        GLuint id = id_;
        glDeleteTextures(1, &id);
    }
}

void RgbaTexture::upload(const uint8_t* rgba, int width, int height) {
    IM_ASSERT(width > 0 && height > 0 && "RgbaTexture::upload needs a non-empty image");
    if (id_ == 0) {
        GLuint id = 0;
        glGenTextures(1, &id);
        id_ = id;
    }
    glBindTexture(GL_TEXTURE_2D, id_);
    glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
    if (width != width_ || height != height_) {
        // Nearest filtering keeps the digits' pixels crisp when ImGui scales them up.
        glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
        glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
        glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
        glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
        glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA, width, height, 0, GL_RGBA, GL_UNSIGNED_BYTE, rgba);
        width_ = width;
        height_ = height;
    } else {
        glTexSubImage2D(GL_TEXTURE_2D, 0, 0, 0, width, height, GL_RGBA, GL_UNSIGNED_BYTE, rgba);
    }
}

ImTextureID RgbaTexture::id() const { return reinterpret_cast<ImTextureID>(static_cast<intptr_t>(id_)); }

}  // namespace ganvas
