from setuptools import find_packages, setup

setup(
    name='kdmvnet_mm',
    version='0.1.0',
    description='Cross-view knowledge distillation for MMAction2: KD-MVNet, '
    'CMMVL, ViCoKD and MMCV',
    long_description=open('README.md', encoding='utf-8').read(),
    long_description_content_type='text/markdown',
    packages=find_packages(include=['kdmvnet_mm', 'kdmvnet_mm.*']),
    python_requires='>=3.9',
    install_requires=[
        'mmaction2==1.2.0',
        'mmengine>=0.10.7,<1',
        'mmcv-lite==2.1.0',
        # mmaction2 imports it without declaring it
        'importlib_metadata',
        # mmaction2 1.2.0 uses np.Inf / np.trapz / np.in1d (see compat.py)
        'numpy<2',
        'torch',
        'matplotlib',
    ],
    extras_require=dict(
        deploy=['onnx>=1.14', 'onnxruntime>=1.16'],
        tensorboard=['tensorboard'],
        # What mmpose 1.3.2 and mmdet 3.3.0 need besides themselves. They
        # and torchvision must be installed with --no-deps, which an extra
        # cannot say (mmpose pulls chumpy, whose setup.py imports pip, and
        # torchvision would replace the CPU torch): `make install-pose`.
        # opencv-python >= 4.12 needs numpy 2 (see the numpy pin above).
        pose=['json_tricks', 'munkres', 'six', 'scipy', 'pillow',
              'opencv-python<4.12', 'xtcocotools>=1.12', 'pycocotools',
              'shapely', 'terminaltables', 'tqdm'],
        dev=['pytest', 'onnx>=1.14', 'onnxruntime>=1.16', 'tensorboard']),
)
